/* failspec.checker._apply: the BDD apply of decision_diagrams.Bdd, in C.

   The same recursion as `Bdd._apply_in_python`, over the same Python lists
   (level, low, high) and unique table (a dict of (level, low, high) -> node), in
   the same order, so that it makes the same nodes with the same numbers and every
   result downstream (probabilities, cut sets, their order) is the same; only the
   memo of an operation's results is C's own (`Memo`).  Optional: without a C
   compiler failspec installs and runs without it (decision 69). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>


/* A memo of (a, b) -> node: open addressing, keys packed in 64 bits (0: empty). */
typedef struct {
    PyObject_HEAD
    unsigned long long *keys;
    long *values;
    size_t size, used; /* size: a power of two */
    int bits;          /* size == 1 << bits */
} Memo;

static void memo_dealloc(Memo *m) {
    PyMem_Free(m->keys);
    PyMem_Free(m->values);
    Py_TYPE(m)->tp_free((PyObject *)m);
}

static int memo_init(Memo *m, PyObject *args, PyObject *kwds) {
    m->size = 1 << 10; m->bits = 10; m->used = 0;
    m->keys = PyMem_Calloc(m->size, sizeof(unsigned long long));
    m->values = PyMem_Malloc(m->size * sizeof(long));
    if (m->keys == NULL || m->values == NULL) { PyErr_NoMemory(); return -1; }
    return 0;
}

static inline size_t memo_slot(const Memo *m, unsigned long long key) {
    unsigned long long h = key * 0x9E3779B97F4A7C15ULL;
    size_t i = (size_t)(h >> (64 - m->bits));
    while (m->keys[i] != 0 && m->keys[i] != key) i = (i + 1) & (m->size - 1);
    return i;
}

static int memo_grow(Memo *m) {
    size_t old = m->size;
    unsigned long long *keys = m->keys;
    long *values = m->values;
    m->size = old * 2;
    m->bits++;
    m->keys = PyMem_Calloc(m->size, sizeof(unsigned long long));
    m->values = PyMem_Malloc(m->size * sizeof(long));
    if (m->keys == NULL || m->values == NULL) { PyErr_NoMemory(); return -1; }
    for (size_t i = 0; i < old; i++) {
        if (keys[i] != 0) {
            size_t j = memo_slot(m, keys[i]);
            m->keys[j] = keys[i];
            m->values[j] = values[i];
        }
    }
    PyMem_Free(keys);
    PyMem_Free(values);
    return 0;
}

static PyObject *memo_clear(Memo *m, PyObject *unused) {
    memset(m->keys, 0, m->size * sizeof(unsigned long long));
    m->used = 0;
    Py_RETURN_NONE;
}

static Py_ssize_t memo_len(Memo *m) { return (Py_ssize_t)m->used; }

static PyMethodDef memo_methods[] = {
    {"clear", (PyCFunction)memo_clear, METH_NOARGS, "Forget every entry."},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods memo_sequence = {.sq_length = (lenfunc)memo_len};

static PyTypeObject MemoType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_apply.Memo",
    .tp_basicsize = sizeof(Memo),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)memo_init,
    .tp_dealloc = (destructor)memo_dealloc,
    .tp_methods = memo_methods,
    .tp_as_sequence = &memo_sequence,
    .tp_doc = "The memo of one operation of the apply: (a, b) -> node.",
};

/* The unique table of a BDD: (level, low, high) -> node, open addressing
   (level -1: an empty slot).  Python reads and writes it as a dict of 3-tuples
   (`get`, `[key] = node`), the apply directly. */
typedef struct {
    PyObject_HEAD
    long *keys; /* 3 a slot */
    long *values;
    size_t size, used;
    int bits;
    /* a copy of the lists level, low and high, as far as `known` (the apply reads
       these, one memory access each, not the lists' int objects) */
    long *level, *low, *high;
    size_t known, room;
} Unique;

static void unique_dealloc(Unique *u) {
    PyMem_Free(u->keys);
    PyMem_Free(u->values);
    PyMem_Free(u->level);
    PyMem_Free(u->low);
    PyMem_Free(u->high);
    Py_TYPE(u)->tp_free((PyObject *)u);
}

static int unique_alloc(Unique *u, int bits) {
    u->bits = bits;
    u->size = (size_t)1 << bits;
    u->keys = PyMem_Malloc(3 * u->size * sizeof(long));
    u->values = PyMem_Malloc(u->size * sizeof(long));
    if (u->keys == NULL || u->values == NULL) { PyErr_NoMemory(); return -1; }
    for (size_t i = 0; i < u->size; i++) u->keys[3 * i] = -1;
    return 0;
}

static int unique_init(Unique *u, PyObject *args, PyObject *kwds) {
    u->used = 0;
    u->known = u->room = 0;
    u->level = u->low = u->high = NULL;
    return unique_alloc(u, 10);
}

static int copy_push(Unique *u, long x, long lo, long hi) {
    if (u->known == u->room) {
        size_t room = u->room ? 2 * u->room : 1024;
        long *l = PyMem_Realloc(u->level, room * sizeof(long));
        if (l == NULL) { PyErr_NoMemory(); return -1; }
        u->level = l;
        l = PyMem_Realloc(u->low, room * sizeof(long));
        if (l == NULL) { PyErr_NoMemory(); return -1; }
        u->low = l;
        l = PyMem_Realloc(u->high, room * sizeof(long));
        if (l == NULL) { PyErr_NoMemory(); return -1; }
        u->high = l;
        u->room = room;
    }
    u->level[u->known] = x;
    u->low[u->known] = lo;
    u->high[u->known] = hi;
    u->known++;
    return 0;
}

/* the copy brought up to the lists (which Python code appends to as well) */
static int copy_sync(Unique *u, PyObject *level, PyObject *low, PyObject *high) {
    Py_ssize_t n = PyList_GET_SIZE(level);
    if ((size_t)n < u->known) {
        PyErr_SetString(PyExc_ValueError, "apply: the lists are shorter than they were");
        return -1;
    }
    for (Py_ssize_t i = (Py_ssize_t)u->known; i < n; i++) {
        long x = PyLong_AsLong(PyList_GET_ITEM(level, i));
        long lo = PyLong_AsLong(PyList_GET_ITEM(low, i));
        long hi = PyLong_AsLong(PyList_GET_ITEM(high, i));
        if (PyErr_Occurred() || copy_push(u, x, lo, hi) < 0) return -1;
    }
    return 0;
}

static inline size_t unique_slot(const Unique *u, long x, long lo, long hi) {
    unsigned long long h = ((unsigned long long)x * 0x9E3779B97F4A7C15ULL)
        ^ ((unsigned long long)lo * 0xC2B2AE3D27D4EB4FULL)
        ^ ((unsigned long long)hi * 0x165667B19E3779F9ULL);
    h *= 0x9E3779B97F4A7C15ULL;
    size_t i = (size_t)(h >> (64 - u->bits));
    for (;;) {
        const long *k = u->keys + 3 * i;
        if (k[0] == -1 || (k[0] == x && k[1] == lo && k[2] == hi)) return i;
        i = (i + 1) & (u->size - 1);
    }
}

static int unique_grow(Unique *u) {
    long *keys = u->keys, *values = u->values;
    size_t old = u->size;
    if (unique_alloc(u, u->bits + 1) < 0) return -1;
    for (size_t i = 0; i < old; i++) {
        const long *k = keys + 3 * i;
        if (k[0] != -1) {
            size_t j = unique_slot(u, k[0], k[1], k[2]);
            long *t = u->keys + 3 * j;
            t[0] = k[0]; t[1] = k[1]; t[2] = k[2];
            u->values[j] = values[i];
        }
    }
    PyMem_Free(keys);
    PyMem_Free(values);
    return 0;
}

/* the node of (x, lo, hi), or -1 */
static inline long unique_find(const Unique *u, long x, long lo, long hi) {
    size_t i = unique_slot(u, x, lo, hi);
    return u->keys[3 * i] == -1 ? -1 : u->values[i];
}

static int unique_put(Unique *u, long x, long lo, long hi, long node) {
    if (2 * (u->used + 1) > u->size && unique_grow(u) < 0) return -1;
    size_t i = unique_slot(u, x, lo, hi);
    long *k = u->keys + 3 * i;
    if (k[0] == -1) u->used++;
    k[0] = x; k[1] = lo; k[2] = hi;
    u->values[i] = node;
    return 0;
}

static int unique_key(PyObject *key, long *x, long *lo, long *hi) {
    if (!PyTuple_Check(key) || PyTuple_GET_SIZE(key) != 3) {
        PyErr_SetString(PyExc_TypeError, "a key is a (level, low, high) tuple");
        return -1;
    }
    *x = PyLong_AsLong(PyTuple_GET_ITEM(key, 0));
    *lo = PyLong_AsLong(PyTuple_GET_ITEM(key, 1));
    *hi = PyLong_AsLong(PyTuple_GET_ITEM(key, 2));
    if (PyErr_Occurred()) return -1;
    if (*x < 0) { PyErr_SetString(PyExc_ValueError, "a level is not negative"); return -1; }
    return 0;
}

static PyObject *unique_get(Unique *u, PyObject *args) {
    PyObject *key, *fallback = Py_None;
    long x, lo, hi;
    if (!PyArg_ParseTuple(args, "O|O", &key, &fallback) || unique_key(key, &x, &lo, &hi) < 0)
        return NULL;
    long node = unique_find(u, x, lo, hi);
    if (node < 0) { Py_INCREF(fallback); return fallback; }
    return PyLong_FromLong(node);
}

static PyObject *unique_subscript(Unique *u, PyObject *key) {
    long x, lo, hi;
    if (unique_key(key, &x, &lo, &hi) < 0) return NULL;
    long node = unique_find(u, x, lo, hi);
    if (node < 0) { PyErr_SetObject(PyExc_KeyError, key); return NULL; }
    return PyLong_FromLong(node);
}

static int unique_assign(Unique *u, PyObject *key, PyObject *value) {
    long x, lo, hi;
    if (value == NULL) { PyErr_SetString(PyExc_TypeError, "a node is never forgotten"); return -1; }
    if (unique_key(key, &x, &lo, &hi) < 0) return -1;
    long node = PyLong_AsLong(value);
    if (node == -1 && PyErr_Occurred()) return -1;
    return unique_put(u, x, lo, hi, node);
}

static Py_ssize_t unique_len(Unique *u) { return (Py_ssize_t)u->used; }

static PyObject *unique_items(Unique *u, PyObject *unused) {
    PyObject *items = PyList_New(0);
    if (items == NULL) return NULL;
    for (size_t i = 0; i < u->size; i++) {
        const long *k = u->keys + 3 * i;
        if (k[0] == -1) continue;
        PyObject *item = Py_BuildValue("((lll)l)", k[0], k[1], k[2], u->values[i]);
        if (item == NULL || PyList_Append(items, item) < 0) {
            Py_XDECREF(item); Py_DECREF(items); return NULL;
        }
        Py_DECREF(item);
    }
    return items;
}

static PyMethodDef unique_methods[] = {
    {"get", (PyCFunction)unique_get, METH_VARARGS, "The node of (level, low, high), or the default."},
    {"items", (PyCFunction)unique_items, METH_NOARGS, "Every ((level, low, high), node), in no order."},
    {NULL, NULL, 0, NULL},
};

static PyMappingMethods unique_mapping = {
    .mp_length = (lenfunc)unique_len,
    .mp_subscript = (binaryfunc)unique_subscript,
    .mp_ass_subscript = (objobjargproc)unique_assign,
};

static PyTypeObject UniqueType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_apply.Unique",
    .tp_basicsize = sizeof(Unique),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)unique_init,
    .tp_dealloc = (destructor)unique_dealloc,
    .tp_methods = unique_methods,
    .tp_as_mapping = &unique_mapping,
    .tp_doc = "The unique table of a BDD: (level, low, high) -> node.",
};

typedef struct {
    PyObject *level, *low, *high;
    Unique *unique;
    Memo *cache;
    long absorbing;
    Py_ssize_t limit;
    Py_ssize_t stride;
    PyObject *check;      /* a callable, or NULL */
    PyObject *too_large;  /* the exception class */
} Apply;


/* -1 with an exception set on failure */
static long go(Apply *s, long a, long b) {
    if (a > b) { long t = a; a = b; b = t; }
    if (a <= 1) return a == s->absorbing ? a : b;
    if (a == b) return a;
    unsigned long long key = ((unsigned long long)a << 32) | (unsigned long long)b;
    size_t slot = memo_slot(s->cache, key);
    if (s->cache->keys[slot] == key) return s->cache->values[slot];
    const Unique *u = s->unique;
    long la = u->level[a], lb = u->level[b];
    long x, lo, hi;
    if (la == lb) {
        x = la;
        lo = go(s, u->low[a], u->low[b]);
        if (lo < 0) return -1;
        hi = go(s, s->unique->high[a], s->unique->high[b]);
    } else if (la < lb) {
        x = la;
        lo = go(s, u->low[a], b);
        if (lo < 0) return -1;
        hi = go(s, s->unique->high[a], b);
    } else {
        x = lb;
        lo = go(s, a, u->low[b]);
        if (lo < 0) return -1;
        hi = go(s, a, s->unique->high[b]);
    }
    if (hi < 0) return -1;
    long result;
    if (lo == hi) {
        result = lo;
    } else {
        result = unique_find(s->unique, x, lo, hi);
        if (result < 0) {
            Py_ssize_t n = PyList_GET_SIZE(s->level);
            if (n >= s->limit) {
                PyErr_SetNone(s->too_large);
                return -1;
            }
            if (!(n & s->stride)) {
                /* the clock (a deadline), and Ctrl-C */
                if (PyErr_CheckSignals() < 0) return -1;
                if (s->check != NULL) {
                    PyObject *r = PyObject_CallNoArgs(s->check);
                    if (r == NULL) return -1;
                    Py_DECREF(r);
                }
            }
            PyObject *px = PyLong_FromLong(x), *plo = PyLong_FromLong(lo), *phi = PyLong_FromLong(hi);
            int failed = px == NULL || plo == NULL || phi == NULL
                || PyList_Append(s->level, px) < 0 || PyList_Append(s->low, plo) < 0
                || PyList_Append(s->high, phi) < 0 || unique_put(s->unique, x, lo, hi, (long)n) < 0
                || copy_push(s->unique, x, lo, hi) < 0;
            Py_XDECREF(px); Py_XDECREF(plo); Py_XDECREF(phi);
            if (failed) return -1;
            result = (long)n;
        }
    }
    /* the recursion may have grown the memo: the slot is looked up again */
    Memo *m = s->cache;
    if (2 * (m->used + 1) > m->size && memo_grow(m) < 0) return -1;
    slot = memo_slot(m, key);
    m->keys[slot] = key;
    m->values[slot] = result;
    m->used++;
    return result;
}

static PyObject *apply(PyObject *self, PyObject *args) {
    Apply s;
    long a, b;
    PyObject *check;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!lllnnOO", &PyList_Type, &s.level, &PyList_Type, &s.low,
                          &PyList_Type, &s.high, &UniqueType, &s.unique, &MemoType, &s.cache,
                          &a, &b, &s.absorbing, &s.limit, &s.stride, &check, &s.too_large))
        return NULL;
    s.check = check == Py_None ? NULL : check;
    Py_ssize_t n = PyList_GET_SIZE(s.level);
    if (a < 0 || b < 0 || a >= n || b >= n || PyList_GET_SIZE(s.low) != n
        || PyList_GET_SIZE(s.high) != n) {
        PyErr_SetString(PyExc_IndexError, "apply: no such node");
        return NULL;
    }
    if (copy_sync(s.unique, s.level, s.low, s.high) < 0) return NULL;
    long r = go(&s, a, b);
    if (r < 0) return NULL;
    return PyLong_FromLong(r);
}

static PyMethodDef methods[] = {
    {"apply", apply, METH_VARARGS,
     "apply(level, low, high, unique, memo, a, b, absorbing, limit, stride, check, too_large)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_apply", NULL, -1, methods};

PyMODINIT_FUNC PyInit__apply(void) {
    if (PyType_Ready(&MemoType) < 0 || PyType_Ready(&UniqueType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    Py_INCREF(&MemoType);
    if (PyModule_AddObject(m, "Memo", (PyObject *)&MemoType) < 0) { Py_DECREF(&MemoType); Py_DECREF(m); return NULL; }
    Py_INCREF(&UniqueType);
    if (PyModule_AddObject(m, "Unique", (PyObject *)&UniqueType) < 0) { Py_DECREF(&UniqueType); Py_DECREF(m); return NULL; }
    return m;
}

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

/* inlined where it is called: a call per node made costs the apply 10-15 % */
#if defined(__GNUC__)
#define HOT static inline __attribute__((always_inline))
#else
#define HOT static inline
#endif

/* A diagram's manager as the C functions see it: its lists (level, low, high), its
   unique table with the C copy of the lists, and the limits `_Diagram._make` keeps:
   the node budget, the stride of looks at the clock, the look (a callable, or
   NULL) and the exception past the budget. */
typedef struct {
    PyObject *level, *low, *high;
    Unique *unique;
    Py_ssize_t limit, stride;
    PyObject *check;
    PyObject *too_large;
} Maker;

/* a manager from the tuple `_Diagram._native` gives, its copy brought up to date */
static int maker_of(PyObject *args, Maker *d) {
    PyObject *check;
    if (!PyTuple_Check(args)
        || !PyArg_ParseTuple(args, "O!O!O!O!nnOO", &PyList_Type, &d->level, &PyList_Type, &d->low,
                             &PyList_Type, &d->high, &UniqueType, &d->unique, &d->limit,
                             &d->stride, &check, &d->too_large))
        return -1;
    d->check = check == Py_None ? NULL : check;
    Py_ssize_t n = PyList_GET_SIZE(d->level);
    if (PyList_GET_SIZE(d->low) != n || PyList_GET_SIZE(d->high) != n) {
        PyErr_SetString(PyExc_ValueError, "a manager's lists differ in length");
        return -1;
    }
    return copy_sync(d->unique, d->level, d->low, d->high);
}

static int known_node(const Maker *d, long a) {
    if (a < 0 || (size_t)a >= d->unique->known) {
        PyErr_SetString(PyExc_IndexError, "no such node");
        return -1;
    }
    return 0;
}

/* The node (x, lo, hi), made when it is new, as `_Diagram._make` makes it: past the
   budget `too_large`, and every `stride` + 1 nodes a look at the clock (and Ctrl-C).
   The caller has reduced it (lo != hi for a BDD, hi != false for a ZBDD).  -1 with an
   exception set on failure. */
HOT long make_node(Maker *d, long x, long lo, long hi) {
    long found = unique_find(d->unique, x, lo, hi);
    if (found >= 0) return found;
    Py_ssize_t n = PyList_GET_SIZE(d->level);
    if (n >= d->limit) {
        PyErr_SetNone(d->too_large);
        return -1;
    }
    if (!(n & d->stride)) {
        if (PyErr_CheckSignals() < 0) return -1;
        if (d->check != NULL) {
            PyObject *r = PyObject_CallNoArgs(d->check);
            if (r == NULL) return -1;
            Py_DECREF(r);
        }
    }
    PyObject *px = PyLong_FromLong(x), *plo = PyLong_FromLong(lo), *phi = PyLong_FromLong(hi);
    int failed = px == NULL || plo == NULL || phi == NULL
        || PyList_Append(d->level, px) < 0 || PyList_Append(d->low, plo) < 0
        || PyList_Append(d->high, phi) < 0 || unique_put(d->unique, x, lo, hi, (long)n) < 0
        || copy_push(d->unique, x, lo, hi) < 0;
    Py_XDECREF(px); Py_XDECREF(plo); Py_XDECREF(phi);
    return failed ? -1 : (long)n;
}

/* a memo's entry, or -1 */
static inline long memo_find(const Memo *m, unsigned long long key) {
    size_t slot = memo_slot(m, key);
    return m->keys[slot] == key ? m->values[slot] : -1;
}

static int memo_put(Memo *m, unsigned long long key, long value) {
    if (2 * (m->used + 1) > m->size && memo_grow(m) < 0) return -1;
    size_t slot = memo_slot(m, key);
    if (m->keys[slot] != key) m->used++;
    m->keys[slot] = key;
    m->values[slot] = value;
    return 0;
}

static inline unsigned long long pair(long a, long b) {
    return ((unsigned long long)a << 32) | (unsigned long long)b;
}

/* A memo that lives for one call (not a Python object). */
static int memo_open(Memo *m) { return memo_init(m, NULL, NULL); }

static void memo_close(Memo *m) {
    PyMem_Free(m->keys);
    PyMem_Free(m->values);
}

typedef struct {
    Maker d;
    Memo *cache;
    long absorbing;
} Apply;

/* -1 with an exception set on failure */
static long go(Apply *s, long a, long b) {
    if (a > b) { long t = a; a = b; b = t; }
    if (a <= 1) return a == s->absorbing ? a : b;
    if (a == b) return a;
    unsigned long long key = pair(a, b);
    long result = memo_find(s->cache, key);
    if (result >= 0) return result;
    const Unique *u = s->d.unique;
    long la = u->level[a], lb = u->level[b];
    long x, lo, hi;
    if (la == lb) {
        x = la;
        lo = go(s, u->low[a], u->low[b]);
        if (lo < 0) return -1;
        hi = go(s, u->high[a], u->high[b]);
    } else if (la < lb) {
        x = la;
        lo = go(s, u->low[a], b);
        if (lo < 0) return -1;
        hi = go(s, u->high[a], b);
    } else {
        x = lb;
        lo = go(s, a, u->low[b]);
        if (lo < 0) return -1;
        hi = go(s, a, u->high[b]);
    }
    if (hi < 0) return -1;
    result = lo == hi ? lo : make_node(&s->d, x, lo, hi);
    if (result < 0 || memo_put(s->cache, key, result) < 0) return -1;
    return result;
}

static PyObject *apply(PyObject *self, PyObject *args) {
    Apply s;
    PyObject *bdd;
    long a, b;
    if (!PyArg_ParseTuple(args, "OO!lll", &bdd, &MemoType, &s.cache, &a, &b, &s.absorbing)
        || maker_of(bdd, &s.d) < 0 || known_node(&s.d, a) < 0 || known_node(&s.d, b) < 0)
        return NULL;
    long r = go(&s, a, b);
    if (r < 0) return NULL;
    return PyLong_FromLong(r);
}

/* NOT a, remembered both ways (`Bdd.negate`) */
static long negate(Maker *d, Memo *memo, long a) {
    if (a <= 1) return 1 - a;
    long found = memo_find(memo, (unsigned long long)a);
    if (found >= 0) return found;
    long lo = negate(d, memo, d->unique->low[a]);
    if (lo < 0) return -1;
    long hi = negate(d, memo, d->unique->high[a]);
    if (hi < 0) return -1;
    found = make_node(d, d->unique->level[a], lo, hi);
    if (found < 0 || memo_put(memo, (unsigned long long)a, found) < 0
        || memo_put(memo, (unsigned long long)found, a) < 0)
        return -1;
    return found;
}

static PyObject *negate_py(PyObject *self, PyObject *args) {
    Maker d;
    PyObject *bdd;
    Memo *memo;
    long a;
    if (!PyArg_ParseTuple(args, "OO!l", &bdd, &MemoType, &memo, &a) || maker_of(bdd, &d) < 0
        || known_node(&d, a) < 0)
        return NULL;
    long r = negate(&d, memo, a);
    if (r < 0) return NULL;
    return PyLong_FromLong(r);
}

/* A buffer of `count` items of `size` bytes at least (array('q'), array('d'),
   bytearray), writable. */
static int buffer_of(PyObject *o, Py_buffer *view, Py_ssize_t size, size_t count, const char *what) {
    if (PyObject_GetBuffer(o, view, PyBUF_WRITABLE | PyBUF_FORMAT) < 0) return -1;
    if (view->itemsize != size || (size_t)(view->len / size) < count) {
        PyErr_Format(PyExc_ValueError, "%s: a buffer of %zu items of %zd bytes is needed",
                     what, count, size);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* heights(bdd, last, weight, out): `decision_diagrams.path_heights` into `out` (an
   array('q') of at least `last` items; weight: a list of ints, or None). */
static PyObject *heights(PyObject *self, PyObject *args) {
    Maker d;
    PyObject *bdd, *weight, *out;
    Py_ssize_t last;
    if (!PyArg_ParseTuple(args, "OnOO", &bdd, &last, &weight, &out) || maker_of(bdd, &d) < 0)
        return NULL;
    if (last < 2 || (size_t)last > d.unique->known) {
        PyErr_SetString(PyExc_IndexError, "heights: no such node");
        return NULL;
    }
    if (weight != Py_None && !PyList_Check(weight)) {
        PyErr_SetString(PyExc_TypeError, "heights: the weights are a list");
        return NULL;
    }
    Py_buffer view;
    if (buffer_of(out, &view, 8, (size_t)last, "heights") < 0) return NULL;
    long long *h = view.buf;
    const Unique *u = d.unique;
    h[0] = -(1LL << 40);
    h[1] = 0;
    for (Py_ssize_t i = 2; i < last; i++) {
        long long w = 1;
        if (weight != Py_None) {
            long lv = u->level[i];
            if (lv >= PyList_GET_SIZE(weight)) {
                PyErr_SetString(PyExc_IndexError, "heights: a level has no weight");
                break;
            }
            w = PyLong_AsLongLong(PyList_GET_ITEM(weight, lv));
            if (w == -1 && PyErr_Occurred()) break;
        }
        long long a = h[u->low[i]], b = h[u->high[i]] + w;
        h[i] = a > b ? a : b;
    }
    PyBuffer_Release(&view);
    if (PyErr_Occurred()) return NULL;
    Py_RETURN_NONE;
}

typedef struct {
    const Unique *u;
    PyObject *by_level;
    double *values;
    unsigned char *done;
} Valuate;

static int valuate_node(Valuate *s, long i) {
    if (s->done[i]) return 0;
    long lo = s->u->low[i], hi = s->u->high[i];
    if (valuate_node(s, lo) < 0 || valuate_node(s, hi) < 0) return -1;
    long lv = s->u->level[i];
    if (lv >= PyList_GET_SIZE(s->by_level)) {
        PyErr_SetString(PyExc_IndexError, "valuate: a level has no probability");
        return -1;
    }
    double q = PyFloat_AsDouble(PyList_GET_ITEM(s->by_level, lv));
    if (q == -1.0 && PyErr_Occurred()) return -1;
    /* as Python computes it: q * P(high) + (1 - q) * P(low), no fused multiply-add */
    double a = q * s->values[hi];
    double b = (1.0 - q) * s->values[lo];
    s->values[i] = a + b;
    s->done[i] = 1;
    return 0;
}

/* valuate(bdd, root, by_level, values, done): P(root), each node not yet `done` valued
   from its children (`Valuation.of`). */
static PyObject *valuate(PyObject *self, PyObject *args) {
    Maker d;
    PyObject *bdd, *values, *done;
    Valuate s;
    long root;
    if (!PyArg_ParseTuple(args, "OlO!OO", &bdd, &root, &PyList_Type, &s.by_level, &values, &done)
        || maker_of(bdd, &d) < 0 || known_node(&d, root) < 0)
        return NULL;
    Py_buffer v, k;
    if (buffer_of(values, &v, 8, d.unique->known, "valuate") < 0) return NULL;
    if (buffer_of(done, &k, 1, d.unique->known, "valuate") < 0) { PyBuffer_Release(&v); return NULL; }
    s.u = d.unique;
    s.values = v.buf;
    s.done = k.buf;
    int failed = valuate_node(&s, root);
    double result = s.values[root];
    PyBuffer_Release(&v);
    PyBuffer_Release(&k);
    if (failed < 0) return NULL;
    return PyFloat_FromDouble(result);
}

/* The minimal solutions of a BDD into a ZBDD (`Zbdd.minimal_solutions` and
   `Zbdd.minimal_solutions_any`), with the same recursion in the same order. */
typedef struct {
    const Unique *b; /* the BDD's nodes */
    Maker z;         /* the ZBDD's */
    const long long *height;
    size_t heights;
    Memo solutions, filtered, empty;
    Memo *without; /* the ZBDD's own memo of `without` */
} Minsol;

static long zbdd_node(Maker *z, long x, long lo, long hi) {
    return hi == 0 ? lo : make_node(z, x, lo, hi);
}

/* the sets of `family` on which the monotone g is false */
static long falsifying(Minsol *s, long family, long g) {
    if (g == 1 || family == 0) return 0;
    if (g == 0 || family == 1) return family;
    unsigned long long key = pair(family, g);
    long found = memo_find(&s->filtered, key);
    if (found >= 0) return found;
    const Unique *z = s->z.unique;
    long lf = z->level[family], lg = s->b->level[g];
    while (lf > lg) {
        g = s->b->low[g];
        if (g <= 1) {
            found = g == 1 ? 0 : family;
            return memo_put(&s->filtered, key, found) < 0 ? -1 : found;
        }
        lg = s->b->level[g];
    }
    long lo, hi;
    if (lf < lg) {
        lo = falsifying(s, z->low[family], g);
        if (lo < 0) return -1;
        hi = falsifying(s, s->z.unique->high[family], g);
    } else {
        lo = falsifying(s, z->low[family], s->b->low[g]);
        if (lo < 0) return -1;
        hi = falsifying(s, s->z.unique->high[family], s->b->high[g]);
    }
    if (hi < 0) return -1;
    found = zbdd_node(&s->z, lf, lo, hi);
    if (found < 0 || memo_put(&s->filtered, key, found) < 0) return -1;
    return found;
}

static inline long clip(const Minsol *s, long f, long order) {
    long long h = s->height[f];
    return h < order ? (long)h : order;
}

static long minsol(Minsol *s, long f, long order) {
    if (f <= 1) return f;
    order = clip(s, f, order);
    if (order <= 0) return 0;
    unsigned long long key = pair(f, order);
    long found = memo_find(&s->solutions, key);
    if (found >= 0) return found;
    long f0 = s->b->low[f], f1 = s->b->high[f];
    long with_x = minsol(s, f1, order - 1);
    if (with_x < 0) return -1;
    with_x = falsifying(s, with_x, f0);
    if (with_x < 0) return -1;
    long rest = minsol(s, f0, order);
    if (rest < 0) return -1;
    found = zbdd_node(&s->z, s->b->level[f], rest, with_x);
    if (found < 0 || memo_put(&s->solutions, key, found) < 0) return -1;
    return found;
}

/* whether g holds ∅ */
static int contains_empty(const Unique *z, long g) {
    while (g > 1) g = z->low[g];
    return g == 1;
}

/* the sets of family f that contain no set of g (`Zbdd.without`) */
static long without(Maker *z, Memo *memo, long f, long g) {
    if (g == 0 || f == 0) return f;
    if (g == 1) return 0;
    if (f == 1) return contains_empty(z->unique, g) ? 0 : 1;
    unsigned long long key = pair(f, g);
    long found = memo_find(memo, key);
    if (found >= 0) return found;
    long lf = z->unique->level[f], lg = z->unique->level[g];
    if (lf < lg) {
        long lo = without(z, memo, z->unique->low[f], g);
        if (lo < 0) return -1;
        long hi = without(z, memo, z->unique->high[f], g);
        if (hi < 0) return -1;
        found = zbdd_node(z, lf, lo, hi);
    } else if (lf > lg) {
        found = without(z, memo, f, z->unique->low[g]);
    } else {
        long g0 = z->unique->low[g];
        long lo = without(z, memo, z->unique->low[f], g0);
        if (lo < 0) return -1;
        long hi = without(z, memo, z->unique->high[f], z->unique->high[g]);
        if (hi < 0) return -1;
        hi = without(z, memo, hi, g0);
        if (hi < 0) return -1;
        found = zbdd_node(z, lf, lo, hi);
    }
    if (found < 0 || memo_put(memo, key, found) < 0) return -1;
    return found;
}

/* whether f is true with every variable false (its low edges' leaf), remembered */
static int empty_solves(Minsol *s, long f) {
    long start = f;
    long found = -1;
    while (f > 1) {
        found = memo_find(&s->empty, (unsigned long long)f);
        if (found >= 0) break;
        f = s->b->low[f];
    }
    if (f <= 1) found = f == 1;
    for (long g = start; g > 1 && memo_find(&s->empty, (unsigned long long)g) < 0; g = s->b->low[g])
        if (memo_put(&s->empty, (unsigned long long)g, found) < 0) return -1;
    return (int)found;
}

static long minsol_any(Minsol *s, long f, long order) {
    if (f <= 1) return f;
    order = clip(s, f, order);
    if (order <= 0) {
        int e = empty_solves(s, f);
        return e < 0 ? -1 : e;
    }
    unsigned long long key = pair(f, order);
    long found = memo_find(&s->solutions, key);
    if (found >= 0) return found;
    long f0 = s->b->low[f], f1 = s->b->high[f];
    long with_x = minsol_any(s, f1, order - 1);
    if (with_x < 0) return -1;
    long shorter = minsol_any(s, f0, order - 1);
    if (shorter < 0) return -1;
    with_x = without(&s->z, s->without, with_x, shorter);
    if (with_x < 0) return -1;
    long rest = minsol_any(s, f0, order);
    if (rest < 0) return -1;
    found = zbdd_node(&s->z, s->b->level[f], rest, with_x);
    if (found < 0 || memo_put(&s->solutions, key, found) < 0) return -1;
    return found;
}

/* minimal_solutions(bdd, zbdd, root, max_order, height, without): the ZBDD of the
   minimal solutions of at most max_order members of `root` (monotone when `without`
   is None, else any function, with the ZBDD's memo of `without`). */
static PyObject *minimal_solutions(PyObject *self, PyObject *args) {
    Minsol s;
    Maker b;
    PyObject *bdd, *zbdd, *height, *memo;
    long root, order;
    if (!PyArg_ParseTuple(args, "OOllOO", &bdd, &zbdd, &root, &order, &height, &memo)
        || maker_of(bdd, &b) < 0 || maker_of(zbdd, &s.z) < 0 || known_node(&b, root) < 0)
        return NULL;
    if (memo != Py_None && !PyObject_TypeCheck(memo, &MemoType)) {
        PyErr_SetString(PyExc_TypeError, "minimal_solutions: the memo of `without` is a Memo");
        return NULL;
    }
    Py_buffer view;
    if (buffer_of(height, &view, 8, (size_t)root + 1, "minimal_solutions") < 0) return NULL;
    s.b = b.unique;
    s.height = view.buf;
    s.without = memo == Py_None ? NULL : (Memo *)memo;
    long r = -1;
    if (memo_open(&s.solutions) == 0 && memo_open(&s.filtered) == 0 && memo_open(&s.empty) == 0)
        r = s.without == NULL ? minsol(&s, root, order) : minsol_any(&s, root, order);
    memo_close(&s.solutions);
    memo_close(&s.filtered);
    memo_close(&s.empty);
    PyBuffer_Release(&view);
    if (r < 0) return NULL;
    return PyLong_FromLong(r);
}

/* The sets of a ZBDD as tuples of labels (`Zbdd.sets`). */
typedef struct {
    const Unique *z;
    PyObject *label;   /* a list: level -> the int a member is shown as */
    PyObject **path;   /* the labels of the high edges taken */
    long *values;      /* and their values */
    Py_ssize_t depth;
    PyObject *found;   /* the list of tuples */
} Sets;

static int emit(Sets *s) {
    Py_ssize_t n = s->depth;
    PyObject *t = PyTuple_New(n);
    if (t == NULL) return -1;
    /* sorted by value (at most a few members: insertion), as `sorted(path)` */
    PyObject *items[n ? n : 1];
    long values[n ? n : 1];
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t j = i;
        while (j > 0 && values[j - 1] > s->values[i]) {
            values[j] = values[j - 1];
            items[j] = items[j - 1];
            j--;
        }
        values[j] = s->values[i];
        items[j] = s->path[i];
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_INCREF(items[i]);
        PyTuple_SET_ITEM(t, i, items[i]);
    }
    int failed = PyList_Append(s->found, t);
    Py_DECREF(t);
    return failed;
}

static int walk(Sets *s, long z) {
    while (z > 1) {
        long lv = s->z->level[z];
        if (lv >= PyList_GET_SIZE(s->label)) {
            PyErr_SetString(PyExc_IndexError, "sets: a level has no label");
            return -1;
        }
        PyObject *item = PyList_GET_ITEM(s->label, lv);
        long value = PyLong_AsLong(item);
        if (value == -1 && PyErr_Occurred()) return -1;
        s->path[s->depth] = item;
        s->values[s->depth] = value;
        s->depth++;
        long below = s->z->high[z];
        if (below == 1 ? emit(s) < 0 : below > 1 && walk(s, below) < 0) return -1;
        s->depth--;
        z = s->z->low[z];
    }
    return z == 1 ? emit(s) : 0;
}

/* sets(zbdd, family, label): the sets of `family`, depth first, a node's high branch
   before its low one, each the ascending labels of its members' levels. */
static PyObject *sets(PyObject *self, PyObject *args) {
    Maker z;
    PyObject *zbdd;
    long family;
    Sets s;
    if (!PyArg_ParseTuple(args, "OlO!", &zbdd, &family, &PyList_Type, &s.label)
        || maker_of(zbdd, &z) < 0 || known_node(&z, family) < 0)
        return NULL;
    /* a set has at most one member a level */
    Py_ssize_t room = PyList_GET_SIZE(s.label) + 1;
    s.z = z.unique;
    s.depth = 0;
    s.path = PyMem_Malloc(room * sizeof(PyObject *));
    s.values = PyMem_Malloc(room * sizeof(long));
    s.found = PyList_New(0);
    int failed = s.path == NULL || s.values == NULL || s.found == NULL;
    if (s.path == NULL || s.values == NULL) PyErr_NoMemory();
    failed = failed || walk(&s, family) < 0;
    PyMem_Free(s.path);
    PyMem_Free(s.values);
    if (failed) {
        Py_XDECREF(s.found);
        return NULL;
    }
    return s.found;
}

/* without(zbdd, memo, f, g): `Zbdd.without` */
static PyObject *without_py(PyObject *self, PyObject *args) {
    Maker z;
    PyObject *zbdd;
    Memo *memo;
    long f, g;
    if (!PyArg_ParseTuple(args, "OO!ll", &zbdd, &MemoType, &memo, &f, &g) || maker_of(zbdd, &z) < 0
        || known_node(&z, f) < 0 || known_node(&z, g) < 0)
        return NULL;
    long r = without(&z, memo, f, g);
    if (r < 0) return NULL;
    return PyLong_FromLong(r);
}

static PyMethodDef methods[] = {
    {"apply", apply, METH_VARARGS, "apply(bdd, memo, a, b, absorbing): a OP b."},
    {"negate", negate_py, METH_VARARGS, "negate(bdd, memo, a): NOT a."},
    {"heights", heights, METH_VARARGS, "heights(bdd, last, weight, out): the path heights."},
    {"valuate", valuate, METH_VARARGS, "valuate(bdd, root, by_level, values, done): P(root)."},
    {"minimal_solutions", minimal_solutions, METH_VARARGS,
     "minimal_solutions(bdd, zbdd, root, max_order, height, without): the ZBDD of them."},
    {"sets", sets, METH_VARARGS, "sets(zbdd, family, label): the family's sets as tuples."},
    {"without", without_py, METH_VARARGS, "without(zbdd, memo, f, g): the sets of f holding none of g."},
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

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

typedef struct {
    PyObject *level, *low, *high, *unique;
    Memo *cache;
    long absorbing;
    Py_ssize_t limit;
    Py_ssize_t stride;
    PyObject *check;      /* a callable, or NULL */
    PyObject *too_large;  /* the exception class */
} Apply;

static inline long item(PyObject *list, long i) {
    return PyLong_AsLong(PyList_GET_ITEM(list, i));
}

/* -1 with an exception set on failure */
static long go(Apply *s, long a, long b) {
    if (a > b) { long t = a; a = b; b = t; }
    if (a <= 1) return a == s->absorbing ? a : b;
    if (a == b) return a;
    unsigned long long key = ((unsigned long long)a << 32) | (unsigned long long)b;
    size_t slot = memo_slot(s->cache, key);
    if (s->cache->keys[slot] == key) return s->cache->values[slot];
    long la = item(s->level, a), lb = item(s->level, b);
    long x, lo, hi;
    if (la == lb) {
        x = la;
        lo = go(s, item(s->low, a), item(s->low, b));
        if (lo < 0) return -1;
        hi = go(s, item(s->high, a), item(s->high, b));
    } else if (la < lb) {
        x = la;
        lo = go(s, item(s->low, a), b);
        if (lo < 0) return -1;
        hi = go(s, item(s->high, a), b);
    } else {
        x = lb;
        lo = go(s, a, item(s->low, b));
        if (lo < 0) return -1;
        hi = go(s, a, item(s->high, b));
    }
    if (hi < 0) return -1;
    long result;
    if (lo == hi) {
        result = lo;
    } else {
        PyObject *triple = PyTuple_New(3);
        if (triple == NULL) return -1;
        PyObject *px = PyLong_FromLong(x), *plo = PyLong_FromLong(lo), *phi = PyLong_FromLong(hi);
        if (px == NULL || plo == NULL || phi == NULL) {
            Py_XDECREF(px); Py_XDECREF(plo); Py_XDECREF(phi); Py_DECREF(triple); return -1;
        }
        PyTuple_SET_ITEM(triple, 0, px);
        PyTuple_SET_ITEM(triple, 1, plo);
        PyTuple_SET_ITEM(triple, 2, phi);
        PyObject *node = PyDict_GetItemWithError(s->unique, triple);
        if (node != NULL) {
            result = PyLong_AsLong(node);
        } else if (PyErr_Occurred()) {
            Py_DECREF(triple); return -1;
        } else {
            Py_ssize_t n = PyList_GET_SIZE(s->level);
            if (n >= s->limit) {
                PyErr_SetNone(s->too_large);
                Py_DECREF(triple); return -1;
            }
            if (!(n & s->stride)) {
                /* the clock (a deadline), and Ctrl-C */
                if (PyErr_CheckSignals() < 0) { Py_DECREF(triple); return -1; }
                if (s->check != NULL) {
                    PyObject *r = PyObject_CallNoArgs(s->check);
                    if (r == NULL) { Py_DECREF(triple); return -1; }
                    Py_DECREF(r);
                }
            }
            PyObject *pn = PyLong_FromSsize_t(n);
            int failed = pn == NULL
                || PyList_Append(s->level, px) < 0 || PyList_Append(s->low, plo) < 0
                || PyList_Append(s->high, phi) < 0 || PyDict_SetItem(s->unique, triple, pn) < 0;
            Py_XDECREF(pn);
            if (failed) { Py_DECREF(triple); return -1; }
            result = (long)n;
        }
        Py_DECREF(triple);
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
                          &PyList_Type, &s.high, &PyDict_Type, &s.unique, &MemoType, &s.cache,
                          &a, &b, &s.absorbing, &s.limit, &s.stride, &check, &s.too_large))
        return NULL;
    s.check = check == Py_None ? NULL : check;
    Py_ssize_t n = PyList_GET_SIZE(s.level);
    if (a < 0 || b < 0 || a >= n || b >= n || PyList_GET_SIZE(s.low) != n
        || PyList_GET_SIZE(s.high) != n) {
        PyErr_SetString(PyExc_IndexError, "apply: no such node");
        return NULL;
    }
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
    if (PyType_Ready(&MemoType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    Py_INCREF(&MemoType);
    if (PyModule_AddObject(m, "Memo", (PyObject *)&MemoType) < 0) { Py_DECREF(&MemoType); Py_DECREF(m); return NULL; }
    return m;
}

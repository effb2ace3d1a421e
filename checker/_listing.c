/* failspec.checker._listing: the listing of a million cut sets, in C (decision 70).

   Three loops that ran in Python over every cut set: sorting them (by order, then
   members), the products of their events' probabilities (for the rare-event sum),
   and the lines of the text and JSON reports.  Each gives what the Python code
   gives, to the byte and to the last bit; optional like `_apply`, and used together
   with it. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>
#include <string.h>

/* A cut set while sorting: its tuple, and its members as C longs. */
typedef struct {
    PyObject *set;
    const long *members;
    Py_ssize_t order;
} Entry;

static int by_order_then_members(const void *x, const void *y) {
    const Entry *a = x, *b = y;
    if (a->order != b->order) return a->order < b->order ? -1 : 1;
    for (Py_ssize_t i = 0; i < a->order; i++)
        if (a->members[i] != b->members[i]) return a->members[i] < b->members[i] ? -1 : 1;
    return 0;
}

static int bits_of(unsigned long long v) {
    int bits = 0;
    while (v) { bits++; v >>= 1; }
    return bits;
}

/* When every set's order and members pack into 64 bits (order in the top bits, then
   the members, the first highest: sets of order <= 4 of events numbered below 2^15,
   say), the keys order the sets as the comparison does, and an LSD radix sort of
   16-bit digits takes a few passes over them (qsort's comparisons took 0.8 s of
   edf9203's 1.87 million sets).  The keys are distinct, so no order is left to a
   tie. */
static int radix_sort(PyObject *list, Entry *entries, Py_ssize_t n, int order_bits, int member_bits) {
    unsigned long long *keys = PyMem_Malloc(2 * (size_t)n * sizeof(unsigned long long));
    PyObject **sets = PyMem_Malloc(2 * (size_t)n * sizeof(PyObject *));
    size_t *count = PyMem_Malloc(65536 * sizeof(size_t));
    if (keys == NULL || sets == NULL || count == NULL) {
        PyMem_Free(keys); PyMem_Free(sets); PyMem_Free(count);
        PyErr_NoMemory();
        return -1;
    }
    int shift = 64 - order_bits;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned long long key = (unsigned long long)entries[i].order << shift;
        for (Py_ssize_t j = 0; j < entries[i].order; j++)
            key |= (unsigned long long)entries[i].members[j] << (shift - (j + 1) * member_bits);
        keys[i] = key;
        sets[i] = entries[i].set;
    }
    unsigned long long *from = keys, *to = keys + n;
    PyObject **from_sets = sets, **to_sets = sets + n;
    for (int digit = 0; digit < 64; digit += 16) {
        memset(count, 0, 65536 * sizeof(size_t));
        for (Py_ssize_t i = 0; i < n; i++) count[(from[i] >> digit) & 0xFFFF]++;
        if (count[(from[0] >> digit) & 0xFFFF] == (size_t)n) continue; /* one digit: no pass */
        size_t at = 0;
        for (size_t d = 0; d < 65536; d++) { size_t c = count[d]; count[d] = at; at += c; }
        for (Py_ssize_t i = 0; i < n; i++) {
            size_t j = count[(from[i] >> digit) & 0xFFFF]++;
            to[j] = from[i];
            to_sets[j] = from_sets[i];
        }
        unsigned long long *t = from; from = to; to = t;
        PyObject **u = from_sets; from_sets = to_sets; to_sets = u;
    }
    /* the list holds the same tuples: only their places change (no reference moves) */
    for (Py_ssize_t i = 0; i < n; i++) PyList_SET_ITEM(list, i, from_sets[i]);
    PyMem_Free(keys); PyMem_Free(sets); PyMem_Free(count);
    return 0;
}

/* sort(cut_sets): sort the list of tuples of non-negative ints in place by length,
   then members (what `list.sort()` then `list.sort(key=len)` give: equal tuples are
   equal). */
static PyObject *sort(PyObject *self, PyObject *args) {
    PyObject *list;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &list)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(list), total = 0, max_order = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = PyList_GET_ITEM(list, i);
        if (!PyTuple_Check(t)) {
            PyErr_SetString(PyExc_TypeError, "sort: a cut set is a tuple");
            return NULL;
        }
        total += PyTuple_GET_SIZE(t);
        if (PyTuple_GET_SIZE(t) > max_order) max_order = PyTuple_GET_SIZE(t);
    }
    if (n < 2 || max_order == 0) Py_RETURN_NONE; /* nothing to move (empty sets are equal) */
    Entry *entries = PyMem_Malloc(n * sizeof(Entry));
    long *members = PyMem_Malloc((total ? total : 1) * sizeof(long));
    if (entries == NULL || members == NULL) {
        PyMem_Free(entries);
        PyMem_Free(members);
        return PyErr_NoMemory();
    }
    long *next = members;
    unsigned long long largest = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = PyList_GET_ITEM(list, i);
        Py_ssize_t k = PyTuple_GET_SIZE(t);
        entries[i] = (Entry){t, next, k};
        for (Py_ssize_t j = 0; j < k; j++) {
            long v = PyLong_AsLong(PyTuple_GET_ITEM(t, j));
            if (v == -1 && PyErr_Occurred()) goto failed;
            if (v < 0) {
                PyErr_SetString(PyExc_ValueError, "sort: a member is negative");
                goto failed;
            }
            if ((unsigned long long)v > largest) largest = (unsigned long long)v;
            *next++ = v;
        }
    }
    int order_bits = bits_of((unsigned long long)max_order), member_bits = bits_of(largest);
    if (member_bits == 0) member_bits = 1;
    if (order_bits + max_order * member_bits <= 64) {
        if (radix_sort(list, entries, n, order_bits, member_bits) < 0) goto failed;
    } else {
        qsort(entries, (size_t)n, sizeof(Entry), by_order_then_members);
        for (Py_ssize_t i = 0; i < n; i++) PyList_SET_ITEM(list, i, entries[i].set);
    }
    PyMem_Free(entries);
    PyMem_Free(members);
    Py_RETURN_NONE;
failed:
    PyMem_Free(entries);
    PyMem_Free(members);
    return NULL;
}

/* count_by_order(cut_sets): {order: how many sets have it}, the orders in the order
   they first come (as `dict(Counter(map(len, cut_sets)))`). */
static PyObject *count_by_order(PyObject *self, PyObject *args) {
    PyObject *list;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &list)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(list), room = 8;
    Py_ssize_t *count = PyMem_Calloc(room, sizeof(Py_ssize_t));
    Py_ssize_t *first = PyMem_Malloc(room * sizeof(Py_ssize_t)); /* the orders, as they come */
    Py_ssize_t seen = 0;
    if (count == NULL || first == NULL) goto no_memory;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t k = PyObject_Length(PyList_GET_ITEM(list, i));
        if (k < 0) { PyMem_Free(count); PyMem_Free(first); return NULL; }
        if (k >= room) {
            Py_ssize_t grown = 2 * k + 1;
            Py_ssize_t *c = PyMem_Realloc(count, grown * sizeof(Py_ssize_t));
            if (c == NULL) goto no_memory;
            count = c;
            memset(count + room, 0, (grown - room) * sizeof(Py_ssize_t));
            Py_ssize_t *f = PyMem_Realloc(first, grown * sizeof(Py_ssize_t));
            if (f == NULL) goto no_memory;
            first = f;
            room = grown;
        }
        if (count[k]++ == 0) first[seen++] = k;
    }
    PyObject *result = PyDict_New();
    for (Py_ssize_t i = 0; result != NULL && i < seen; i++) {
        PyObject *key = PyLong_FromSsize_t(first[i]), *value = PyLong_FromSsize_t(count[first[i]]);
        if (key == NULL || value == NULL || PyDict_SetItem(result, key, value) < 0) Py_CLEAR(result);
        Py_XDECREF(key);
        Py_XDECREF(value);
    }
    PyMem_Free(count);
    PyMem_Free(first);
    return result;
no_memory:
    PyMem_Free(count);
    PyMem_Free(first);
    return PyErr_NoMemory();
}

/* products(cut_sets, q, out): out[i] = the product of q[v] over cut set i's members,
   left to right, as Python multiplies them (`static_analysis._rare_event`). */
static PyObject *products(PyObject *self, PyObject *args) {
    PyObject *list, *q, *out;
    if (!PyArg_ParseTuple(args, "O!O!O", &PyList_Type, &list, &PyList_Type, &q, &out)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(list), known = PyList_GET_SIZE(q);
    Py_buffer view;
    if (PyObject_GetBuffer(out, &view, PyBUF_WRITABLE | PyBUF_FORMAT) < 0) return NULL;
    if (view.itemsize != 8 || view.len / 8 < n) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "products: an array('d') of a float a cut set is needed");
        return NULL;
    }
    double *terms = view.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = PyList_GET_ITEM(list, i);
        if (!PyTuple_Check(t)) {
            PyErr_SetString(PyExc_TypeError, "products: a cut set is a tuple");
            break;
        }
        Py_ssize_t k = PyTuple_GET_SIZE(t);
        double product = 1.0;
        for (Py_ssize_t j = 0; j < k; j++) {
            Py_ssize_t v = PyLong_AsSsize_t(PyTuple_GET_ITEM(t, j));
            if (v == -1 && PyErr_Occurred()) break;
            if (v < 0 || v >= known) {
                PyErr_SetString(PyExc_IndexError, "products: an event has no probability");
                break;
            }
            double p = PyFloat_AsDouble(PyList_GET_ITEM(q, v));
            if (p == -1.0 && PyErr_Occurred()) break;
            product = j == 0 ? p : product * p;
        }
        if (PyErr_Occurred()) break;
        terms[i] = product;
    }
    PyBuffer_Release(&view);
    if (PyErr_Occurred()) return NULL;
    Py_RETURN_NONE;
}

/* A growing UTF-8 buffer. */
typedef struct {
    char *bytes;
    size_t used, room;
} Text;

static int put(Text *t, const char *bytes, size_t n) {
    if (t->used + n > t->room) {
        size_t room = t->room ? t->room : 1 << 16;
        while (t->used + n > room) room *= 2;
        char *grown = PyMem_Realloc(t->bytes, room);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        t->bytes = grown;
        t->room = room;
    }
    memcpy(t->bytes + t->used, bytes, n);
    t->used += n;
    return 0;
}

static int put_str(Text *t, PyObject *s) {
    if (!PyUnicode_Check(s)) {
        PyErr_SetString(PyExc_TypeError, "lines: names, prefixes and separators are str");
        return -1;
    }
    Py_ssize_t n;
    const char *bytes = PyUnicode_AsUTF8AndSize(s, &n);
    return bytes == NULL ? -1 : put(t, bytes, (size_t)n);
}

/* lines(cut_sets, start, end, names, prefixes, separator, suffix, terminator): for
   each cut set c of cut_sets[start:end], prefixes[len(c)] + separator.join(names[v]
   for v in c) + suffix + terminator, as one str. */
static PyObject *lines(PyObject *self, PyObject *args) {
    PyObject *list, *names, *prefixes, *separator, *suffix, *terminator;
    Py_ssize_t start, end;
    if (!PyArg_ParseTuple(args, "O!nnOOUUU", &PyList_Type, &list, &start, &end, &names, &prefixes,
                          &separator, &suffix, &terminator))
        return NULL;
    PyObject *name_seq = PySequence_Fast(names, "lines: the names are a sequence");
    if (name_seq == NULL) return NULL;
    PyObject *prefix_seq = PySequence_Fast(prefixes, "lines: the prefixes are a sequence");
    if (prefix_seq == NULL) {
        Py_DECREF(name_seq);
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(list);
    if (start < 0) start = 0;
    if (end > n) end = n;
    Py_ssize_t known = PySequence_Fast_GET_SIZE(name_seq);
    Py_ssize_t orders = PySequence_Fast_GET_SIZE(prefix_seq);
    Text text = {NULL, 0, 0};
    Py_ssize_t sep_n, suffix_n, term_n;
    const char *sep = PyUnicode_AsUTF8AndSize(separator, &sep_n);
    const char *suf = PyUnicode_AsUTF8AndSize(suffix, &suffix_n);
    const char *term = PyUnicode_AsUTF8AndSize(terminator, &term_n);
    int failed = sep == NULL || suf == NULL || term == NULL;
    for (Py_ssize_t i = start; i < end && !failed; i++) {
        PyObject *t = PyList_GET_ITEM(list, i);
        if (!PyTuple_Check(t)) {
            PyErr_SetString(PyExc_TypeError, "lines: a cut set is a tuple");
            failed = 1;
            break;
        }
        Py_ssize_t k = PyTuple_GET_SIZE(t);
        if (k >= orders) {
            PyErr_SetString(PyExc_IndexError, "lines: no prefix for a cut set this long");
            failed = 1;
            break;
        }
        failed = put_str(&text, PySequence_Fast_GET_ITEM(prefix_seq, k)) < 0;
        for (Py_ssize_t j = 0; j < k && !failed; j++) {
            Py_ssize_t v = PyLong_AsSsize_t(PyTuple_GET_ITEM(t, j));
            if (v == -1 && PyErr_Occurred()) failed = 1;
            else if (v < 0 || v >= known) {
                PyErr_SetString(PyExc_IndexError, "lines: an event has no name");
                failed = 1;
            } else {
                failed = (j > 0 && put(&text, sep, (size_t)sep_n) < 0)
                    || put_str(&text, PySequence_Fast_GET_ITEM(name_seq, v)) < 0;
            }
        }
        failed = failed || put(&text, suf, (size_t)suffix_n) < 0
            || put(&text, term, (size_t)term_n) < 0;
    }
    Py_DECREF(name_seq);
    Py_DECREF(prefix_seq);
    PyObject *result = failed ? NULL : PyUnicode_DecodeUTF8(text.bytes ? text.bytes : "", (Py_ssize_t)text.used, "strict");
    PyMem_Free(text.bytes);
    return result;
}

static PyMethodDef methods[] = {
    {"sort", sort, METH_VARARGS, "sort(cut_sets): by order, then members, in place."},
    {"count_by_order", count_by_order, METH_VARARGS,
     "count_by_order(cut_sets): {order: count}, orders as they first come."},
    {"products", products, METH_VARARGS,
     "products(cut_sets, q, out): each cut set's product of probabilities into out."},
    {"lines", lines, METH_VARARGS,
     "lines(cut_sets, start, end, names, prefixes, separator, suffix, terminator): the report's lines."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_listing", NULL, -1, methods};

PyMODINIT_FUNC PyInit__listing(void) { return PyModule_Create(&module); }

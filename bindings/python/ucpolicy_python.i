/* SPDX-License-Identifier: MIT */
/*
 * The Python language file of the SWIG binding (layout after xapian-bindings' python3/python.i):
 * it sets the module, maps the patterns listed in ../ucpolicy.i to Python, then %includes the
 * shared interface.
 *
 * The generated module, ucpolicy._ucpolicy (low-level C part: ucpolicy._ucpolicy_c), is private.
 * It hands out bare pointers to opaque C objects that it does not own; the hand-written package
 * (ucpolicy/_checker.py, _report.py) takes ownership at once and frees them with the C _free /
 * _unref calls. Nothing here keeps state between calls: the only error channel is the C
 * library's thread-local last error, read by the one ucp_status typemap below.
 */
%module(package="ucpolicy", threads="1") _ucpolicy

/* The GIL is released only around calls that do real work (parsing files, containers and CRLs,
 * path building and checks with their network fetches when online, rendering); the many tiny getters keep it, which is cheaper than
 * releasing and re-acquiring it for a pointer read. */
%nothread;
%thread ucp_input_from_file;
%thread ucp_input_from_data;
%thread ucp_checker_check;
%thread ucp_checker_check_pool;
%thread ucp_probe_run;
%thread ucp_probe_set_client_credentials;
%thread ucp_checker_add_trust;
%thread ucp_checker_add_intermediates;
%thread ucp_checker_add_public_roots;
%thread ucp_checker_add_crl_file;
%thread ucp_checker_add_crl_data;
%thread ucp_topology_load_file;
%thread ucp_topology_load_data;
%thread ucp_report_to_json;
%thread ucp_report_to_text;
%thread ucp_report_render;
%thread ucp_input_error_render;
%thread ucp_renderer_add_report;
%thread ucp_renderer_add_error;
%thread ucp_renderer_finish;
%thread ucp_catalogue_render_roles;
%thread ucp_catalogue_render_rules;

%begin %{
/* Python's limited API is not used (SWIG 4.1 needs the full API); define PY_SSIZE_T_CLEAN so
 * "s#"/"y#" formats take Py_ssize_t. */
#define PY_SSIZE_T_CLEAN
%}

%{
#include <string.h>
#include <stdlib.h>

#include "ucpolicy.h"
#include "cli-private.h" /* ucp_cli_main: the ucpolicy command (libucpolicy/cli/) */

/*
 * Raise the Python exception for a failed call, from the calling thread's last error.
 *
 * The details are copied out of the thread-local error first: every Python call below may
 * allocate, hence run the garbage collector, hence run finalizers that call into libucpolicy on
 * this thread (ucp_report_free...), and the last error is only promised until the next call.
 * The exception object is built by ucpolicy._errors._from_native (generated from
 * libucpolicy/core/status.yaml), so the class table lives in one place.
 */
static void ucp_py_raise(ucp_status status)
{
    const ucp_error *e = ucp_error_last();
    char *message = NULL, *source = NULL;
    const char *origin = "ucpolicy";
    int origin_code = 0;
    if (e && ucp_error_code(e) == status) {
        message = strdup(ucp_error_message(e));
        if (ucp_error_source(e))
            source = strdup(ucp_error_source(e));
        origin = ucp_error_origin_name(ucp_error_origin_of(e)); /* "ucpolicy", "gnutls"... */
        origin_code = ucp_error_origin_code(e);
    } else {
        /* A failure without details (never expected): say at least what the code means. */
        message = strdup(ucp_strerror(status));
    }
    if (!message) {
        free(source);
        PyErr_NoMemory();
        return;
    }

    /* surrogateescape: the message may quote a file name that is not UTF-8; the CLI writes it
     * back byte for byte, as the C command does. */
    PyObject *py_message = PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "surrogateescape");
    /* The source is usually a file name: decode it as os.fsdecode() would, so that
     * exc.filename names the very file. */
    PyObject *py_source = source ? PyUnicode_DecodeFSDefault(source) : (Py_INCREF(Py_None), Py_None);
    free(message);
    free(source);
    PyObject *module = NULL, *exc = NULL;
    if (py_message && py_source)
        module = PyImport_ImportModule("ucpolicy._errors");
    if (module)
        exc = PyObject_CallMethod(module, "_from_native", "iOOsi", (int)status, py_message, py_source,
                                  origin, origin_code);
    if (exc) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
    /* Otherwise the failure to build the exception (MemoryError, ImportError) is raised. */
    Py_XDECREF(module);
    Py_XDECREF(py_message);
    Py_XDECREF(py_source);
}

/* UTF-8 bytes of a str argument, rejecting embedded NULs. Lone surrogates of os.fsdecode()d
 * text (a command line argument that was not UTF-8) give back their original bytes. */
static int ucp_py_utf8_arg(PyObject *obj, PyObject **bytes, const char *what)
{
    if (!PyUnicode_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be str, not %.80s", what, Py_TYPE(obj)->tp_name);
        return -1;
    }
    *bytes = PyUnicode_AsEncodedString(obj, "utf-8", "surrogateescape");
    if (!*bytes)
        return -1;
    if ((size_t)PyBytes_GET_SIZE(*bytes) != strlen(PyBytes_AS_STRING(*bytes))) {
        Py_CLEAR(*bytes);
        PyErr_Format(PyExc_ValueError, "%s contains a NUL character", what);
        return -1;
    }
    return 0;
}
%}

/* ---- ucp_status: the one status -> exception typemap ------------------------------------- */

/* UCP_OK gives None (or the out-parameters appended below); anything else raises the
 * exception generated for the code, with the library's message, source and origin. */
%typemap(out) ucp_status {
    if ($1 != UCP_OK) {
        ucp_py_raise($1);
        SWIG_fail;
    }
    $result = SWIG_Py_Void();
}

/* ---- ucp_T **out: the new object is the return value ---------------------------------- */

/* Not owned by a proxy (flag 0): the package wraps it at once in an owner that calls the C
 * _free function (see ../ucpolicy.i, "Ownership"). On failure *out is NULL and the status
 * typemap has already raised, so no argout runs. */
%define UCP_PY_OUT_OBJECT(TYPE)
%typemap(in, numinputs=0) TYPE **out (TYPE *temp = NULL) "$1 = &temp;";
%typemap(argout) TYPE **out {
    $result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $*1_descriptor, 0));
}
%enddef
UCP_PY_OUT_OBJECT(ucp_input)
UCP_PY_OUT_OBJECT(ucp_topology)
UCP_PY_OUT_OBJECT(ucp_checker)
UCP_PY_OUT_OBJECT(ucp_report)
UCP_PY_OUT_OBJECT(ucp_probe)
UCP_PY_OUT_OBJECT(ucp_renderer)
UCP_PY_OUT_OBJECT(ucp_deployment)

/* Enum out-parameters of the name parsers (ucp_severity_from_name...): the value is returned. */
%define UCP_PY_OUT_ENUM(TYPE)
%typemap(in, numinputs=0) TYPE *out (TYPE temp = (TYPE)0) "$1 = &temp;";
%typemap(argout) TYPE *out {
    $result = SWIG_Python_AppendOutput($result, PyLong_FromLong((long)*$1));
}
%enddef
UCP_PY_OUT_ENUM(ucp_severity)
UCP_PY_OUT_ENUM(ucp_product)
UCP_PY_OUT_ENUM(ucp_fact)
UCP_PY_OUT_ENUM(ucp_probe_protocol)
UCP_PY_OUT_ENUM(ucp_output_format)
UCP_PY_OUT_ENUM(ucp_fail_on)
UCP_PY_OUT_ENUM(ucp_request_format)

/* ---- ucp_buffer *out: the text is the return value (then disposed) ---------------------- */

/* Decoded with surrogateescape, so that str.encode('utf-8', 'surrogateescape') gives back the
 * library's bytes exactly (the JSON and text the C command prints). freearg runs on the
 * success and the failure path alike, so the buffer is always disposed. */
%typemap(in, numinputs=0) ucp_buffer *out (ucp_buffer temp = {NULL, 0}) "$1 = &temp;";
%typemap(argout) ucp_buffer *out {
    PyObject *text = PyUnicode_DecodeUTF8($1->data ? $1->data : "", (Py_ssize_t)$1->size, "surrogateescape");
    if (!text)
        SWIG_fail;
    $result = SWIG_Python_AppendOutput($result, text);
}
%typemap(freearg) ucp_buffer *out "ucp_buffer_dispose($1);";
/* The renderer's chunks: the same. */
%apply ucp_buffer *out { ucp_buffer *chunk };

/* ---- (const uint8_t *data, size_t length): any bytes-like object ------------------------ */

/* The buffer is held (PyObject_GetBuffer) until the call returns, so a bytearray cannot be
 * resized under the C code while the GIL is released. */
%typemap(in) (const uint8_t *data, size_t length) (Py_buffer view, int have_view = 0) {
    if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) != 0) {
        PyErr_Format(PyExc_TypeError, "expected a bytes-like object, not %.80s", Py_TYPE($input)->tp_name);
        SWIG_fail;
    }
    have_view = 1;
    $1 = ($1_ltype)view.buf;
    $2 = (size_t)view.len;
}
%typemap(freearg) (const uint8_t *data, size_t length) {
    if (have_view$argnum)
        PyBuffer_Release(&view$argnum);
}
%typemap(typecheck) (const uint8_t *data, size_t length) "$1 = PyObject_CheckBuffer($input);";

/* ---- const char *: str <-> UTF-8 ------------------------------------------------------------ */

/* Arguments: str only, no embedded NUL (a silently truncated role or fact would check something
 * else than asked); None is NULL. The encoded bytes are kept alive
 * until the call returns (the GIL may be released meanwhile). */
%typemap(in) const char * (PyObject *bytes = NULL) {
    if ($input == Py_None) {
        $1 = NULL;
    } else {
        if (ucp_py_utf8_arg($input, &bytes, "$1_name") != 0)
            SWIG_fail;
        $1 = PyBytes_AS_STRING(bytes);
    }
}
%typemap(freearg) const char * "Py_XDECREF(bytes$argnum);";
%typemap(typecheck, precedence=SWIG_TYPECHECK_STRING) const char * "$1 = $input == Py_None || PyUnicode_Check($input);";

/* File names: str, bytes or os.PathLike, converted as the os module does (PEP 383). */
%typemap(in) const char *path (PyObject *bytes = NULL) {
    if (!PyUnicode_FSConverter($input, &bytes))
        SWIG_fail;
    $1 = PyBytes_AS_STRING(bytes);
}
%typemap(freearg) const char *path "Py_XDECREF(bytes$argnum);";
/* The probe's client certificate and key files: the same, the key file may be None (NULL: the
 * key is in the certificate file, or the certificate file is PKCS#12). */
%apply const char *path { const char *cert_file };
%typemap(in) const char *key_file (PyObject *bytes = NULL) {
    if ($input == Py_None) {
        $1 = NULL;
    } else {
        if (!PyUnicode_FSConverter($input, &bytes))
            SWIG_fail;
        $1 = PyBytes_AS_STRING(bytes);
    }
}
%typemap(freearg) const char *key_file "Py_XDECREF(bytes$argnum);";

/* ---- (const ucp_input *const *inputs, size_t count): a sequence of inputs ----------------- */

/* The pool check's files: a list or tuple of ucp_input pointers (owned by the package, which
 * keeps them alive until the call returns); the C array is the wrapper's own, freed after the
 * call. The library checks the count (1 to 64). */
%typemap(in) (const ucp_input *const *inputs, size_t count) (const ucp_input **array = NULL) {
    PyObject *seq = PySequence_Fast($input, "inputs must be a sequence of inputs");
    if (!seq)
        SWIG_fail;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    array = (const ucp_input **)calloc(n > 0 ? (size_t)n : 1, sizeof *array);
    if (!array) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        SWIG_fail;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        void *ptr = NULL;
        if (!SWIG_IsOK(SWIG_ConvertPtr(PySequence_Fast_GET_ITEM(seq, i), &ptr, $descriptor(ucp_input *), 0)) || !ptr) {
            Py_DECREF(seq);
            PyErr_Format(PyExc_TypeError, "inputs[%zd] is not an input", i);
            SWIG_fail;
        }
        array[i] = (const ucp_input *)ptr;
    }
    Py_DECREF(seq);
    $1 = ($1_ltype)array;
    $2 = (size_t)n;
}
%typemap(freearg) (const ucp_input *const *inputs, size_t count) "free((void *)array$argnum);";

/* PKCS#12 passwords: None, str (UTF-8) or any bytes-like object (as is: a password file's first
 * line). The library sees a private copy, wiped and freed when the call returns; a caller that
 * holds its password in a bytearray can wipe that too (the CLI does). */
%typemap(in) const char *password (char *copy = NULL, size_t copy_size = 0) {
    if ($input != Py_None) {
        PyObject *encoded = NULL;
        Py_buffer view;
        const char *data;
        Py_ssize_t size;
        if (PyUnicode_Check($input)) {
            encoded = PyUnicode_AsUTF8String($input);
            if (!encoded)
                SWIG_fail;
            data = PyBytes_AS_STRING(encoded);
            size = PyBytes_GET_SIZE(encoded);
        } else if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) == 0) {
            data = (const char *)view.buf;
            size = view.len;
        } else {
            PyErr_Format(PyExc_TypeError, "password must be str or bytes, not %.80s", Py_TYPE($input)->tp_name);
            SWIG_fail;
        }
        if (memchr(data, '\0', (size_t)size)) {
            PyErr_SetString(PyExc_ValueError, "password contains a NUL character");
        } else if (!(copy = malloc((size_t)size + 1))) {
            PyErr_NoMemory();
        } else {
            memcpy(copy, data, (size_t)size);
            copy[size] = '\0';
            copy_size = (size_t)size + 1;
        }
        if (encoded)
            Py_DECREF(encoded);  /* a bytes object Python may share: not wiped, never written */
        else
            PyBuffer_Release(&view);
        if (!copy)
            SWIG_fail;
    }
    $1 = copy;
}
%typemap(freearg) const char *password {
    if (copy$argnum) {
        explicit_bzero(copy$argnum, copy_size$argnum);
        free(copy$argnum);
    }
}

/* Results: SWIG's default (None for NULL, UTF-8 decoded with surrogateescape) is right. */

/* ---- what Python does not see ------------------------------------------------------------ */

/* Buffers never reach Python (the typemap above copies and disposes them). */
%ignore ucp_buffer;
%ignore ucp_buffer_dispose;
/* The last error is read by the status typemap only; exposing it would invite reading it
 * after an unrelated call. */
%ignore ucp_error_last;
%ignore ucp_error_clear;
%ignore ucp_error_code;
%ignore ucp_error_message;
%ignore ucp_error_source;
%ignore ucp_error_origin_of;
%ignore ucp_error_origin_code;

%include "ucpolicy.i"

/* SWIG cannot evaluate INT64_MIN in #define UCP_TIME_NOW; the C compiler can. (Not Python
 * specific: ../ucpolicy.i would be the place once every binding wants it.) */
%rename("UCP_TIME_NOW") ucp_py_time_now;
%constant long long ucp_py_time_now = UCP_TIME_NOW;

/* ---- copying wrappers for what ../ucpolicy.i leaves to each language ----------------------- */

%inline %{
/* The DER encoding of a certificate, copied into bytes (ucp_certificate_der lends it). */
static PyObject *ucp_py_certificate_der(const ucp_certificate *cert)
{
    size_t length = 0;
    const uint8_t *der = cert ? ucp_certificate_der(cert, &length) : NULL;
    if (!der) {
        PyErr_SetString(PyExc_ValueError, "no certificate");
        return NULL;
    }
    return PyBytes_FromStringAndSize((const char *)der, (Py_ssize_t)length);
}
%}

/* ---- the ucpolicy command ---------------------------------------------------------------------- */

%inline %{
/*
 * python3 -m ucpolicy: run the ucpolicy command, the same C code as the program (ucp_cli_main),
 * with @args (a sequence of str, bytes or os.PathLike: argv[1:]; argv[0] is "ucpolicy") and return
 * its exit status. sys.stdout and sys.stderr are flushed first, as the command writes to file
 * descriptors 1 and 2 itself; the GIL is released while it runs (a check of many files, a
 * probe); runs are serialised (getopt's state is process-wide).
 */
static PyObject *ucp_py_cli_main(PyObject *args)
{
    PyObject *seq = PySequence_Fast(args, "args must be a sequence of str, bytes or os.PathLike");
    if (!seq)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **held = calloc((size_t)n + 1, sizeof *held);
    char **argv = calloc((size_t)n + 2, sizeof *argv);
    PyObject *result = NULL;
    if (!held || !argv) {
        PyErr_NoMemory();
        goto out;
    }
    static char program[] = "ucpolicy";
    argv[0] = program;
    for (Py_ssize_t i = 0; i < n; i++) {
        /* As os.fsencode(): surrogate-escaped bytes of a command line come back as they were. */
        if (!PyUnicode_FSConverter(PySequence_Fast_GET_ITEM(seq, i), &held[i]))
            goto out;
        argv[i + 1] = PyBytes_AS_STRING(held[i]);
    }
    static const char *const streams[] = {"stdout", "stderr"};
    for (int k = 0; k < 2; k++) {
        PyObject *stream = PySys_GetObject(streams[k]); /* borrowed; None under pythonw */
        PyObject *flushed = stream && stream != Py_None ? PyObject_CallMethod(stream, "flush", NULL) : NULL;
        if (!flushed)
            PyErr_Clear(); /* a closed stream: the command writes to the descriptor all the same */
        Py_XDECREF(flushed);
    }
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = ucp_cli_main((int)n + 1, argv);
    Py_END_ALLOW_THREADS
    result = PyLong_FromLong(status);
out:
    for (Py_ssize_t i = 0; held && i < n; i++)
        Py_XDECREF(held[i]);
    free(held);
    free(argv);
    Py_DECREF(seq);
    return result;
}
%}

/* ---- scans (ucpolicy/scan.h) ------------------------------------------------------------------- */

/* The scan's C callback is not bindable as is: ucp_py_scan_run calls a Python callable instead,
 * on the calling thread (where ucp_scan_run calls its callback), with the GIL taken back for the
 * call and released while the probes run. */
UCP_PY_OUT_OBJECT(ucp_scan)
%thread ucp_scan_set_client_credentials;
%ignore ucp_scan_run;
%ignore ucp_scan_callback;
%include "ucpolicy/scan.h"

%inline %{
struct ucp_py_scan {
    PyObject *callback;
    int failed; /* the callable raised: its exception is pending */
};

static int ucp_py_scan_endpoint(const ucp_endpoint *endpoint, ucp_report *report, ucp_status status,
                                const char *message, void *payload)
{
    struct ucp_py_scan *s = payload;
    PyGILState_STATE gil = PyGILState_Ensure();
    int stop = 1;
    PyObject *rep = report ? SWIG_NewPointerObj(SWIG_as_voidptr(report), SWIGTYPE_p_ucp_report, 0) : Py_None;
    if (rep == Py_None)
        Py_INCREF(rep);
    PyObject *r = rep ? PyObject_CallFunction(s->callback, "nOis", (Py_ssize_t)ucp_endpoint_index(endpoint), rep,
                                              (int)status, message)
                      : NULL;
    if (!r) {
        s->failed = 1;
        if (!rep)
            ucp_report_free(report); /* never reached Python */
    } else {
        stop = PyObject_IsTrue(r) == 1;
        Py_DECREF(r);
    }
    Py_XDECREF(rep);
    PyGILState_Release(gil);
    return stop;
}

/*
 * ucp_scan_run with a Python callable called once per endpoint as
 * callback(index, report pointer or None, status, message or None); the callable takes the
 * report (the package wraps it in a Report at once) and returns True to stop the scan.
 * Returns whether the scan was stopped; raises what the callable raised, or the library's error.
 */
static PyObject *ucp_py_scan_run(ucp_scan *scan, ucp_checker *checker, PyObject *callback)
{
    if (!PyCallable_Check(callback)) {
        PyErr_SetString(PyExc_TypeError, "callback must be callable");
        return NULL;
    }
    struct ucp_py_scan s = {callback, 0};
    ucp_status st;
    Py_BEGIN_ALLOW_THREADS
    st = ucp_scan_run(scan, checker, ucp_py_scan_endpoint, &s);
    Py_END_ALLOW_THREADS
    if (s.failed)
        return NULL;
    if (st != UCP_OK && st != UCP_E_CANCELLED) {
        ucp_py_raise(st);
        return NULL;
    }
    return PyBool_FromLong(st == UCP_E_CANCELLED);
}
%}

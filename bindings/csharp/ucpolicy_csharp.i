/* SPDX-License-Identifier: MIT */
/*
 * The C# side of the SWIG binding: typemaps for the patterns of ../ucpolicy.i, then that file.
 *
 * Everything generated here is internal to the UcPolicy assembly (namespace UcPolicy.Interop);
 * the public API is the hand-written facade next to this file. The generated layer differs from
 * SWIG's C# defaults in four deliberate ways:
 *
 *  1. Strings are UTF-8 both ways. `const char *` arguments are passed as NUL-terminated UTF-8
 *     byte arrays, results are decoded from UTF-8 (SWIG's default goes through the ANSI code
 *     page on Windows and mangles subject names and paths outside ASCII).
 *  2. ucp_status results become a typed UcPolicy.UcPolicyException through one canthrow typemap:
 *     the C wrapper reads the thread-local ucp_error_last() of the failing call and hands code,
 *     name, message, source and origin to a managed callback that sets SWIG's pending exception,
 *     which the generated C# code throws after the P/Invoke returns.
 *  3. Owned handles (checker, input, topology, report) are SafeHandles in the P/Invoke
 *     signatures, so the runtime keeps a handle alive and unreleased for the duration of every
 *     call, and frees it exactly once, from Dispose or from the finalizer thread (every C _free
 *     may be called from any thread). Borrowed and static pointers (certificates and findings of
 *     a report, catalogue entries) are plain IntPtrs the facade reads at once, while the owner
 *     lives; nothing borrowed leaves the facade.
 *  4. size_t is pointer-sized (SWIG maps it to a 32-bit uint against a 64-bit unsigned long).
 */
%module(imclassname="NativeMethods") Native

%pragma(csharp) moduleclassmodifiers="internal static class"
%pragma(csharp) imclassclassmodifiers="internal class"
%typemap(csclassmodifiers) SWIGTYPE "internal class"
%typemap(csclassmodifiers) enum SWIGTYPE "internal enum"

/* Constants as C# literals: the module class then has no static initialiser, so nothing is
 * called in the native library before the facade has loaded it. */
%csconst(1);

/* Every wrapped call first makes sure the native libraries are loaded (the facade also calls
 * EnsureLoaded itself, earlier, so that a missing library is a DllNotFoundException rather than
 * a TypeInitializationException). */
%pragma(csharp) modulecode=%{
  static Native() {
    global::UcPolicy.Interop.NativeLibraryLoader.EnsureLoaded();
  }
%}

/* C names in PascalCase: ucp_checker_new -> NativeMethods/Native.UcpCheckerNew. */
%rename("%(camelcase)s", %$isfunction) "";

/* ---- 4. size_t ------------------------------------------------------------------------- */
%typemap(ctype) size_t "size_t"
%typemap(imtype) size_t "global::System.UIntPtr"
%typemap(cstype) size_t "int"
%typemap(in) size_t %{ $1 = $input; %}
%typemap(out) size_t %{ $result = $1; %}
%typemap(csin) size_t "new global::System.UIntPtr(checked((uint)$csinput))"
%typemap(csout, excode=SWIGEXCODE) size_t {
    int ret = checked((int)$imcall.ToUInt64());$excode
    return ret;
  }

/* ---- 1. UTF-8 strings ------------------------------------------------------------------ */
%typemap(ctype) const char *, char * "char *"
%typemap(imtype,
         inattributes="[global::System.Runtime.InteropServices.In, global::System.Runtime.InteropServices.MarshalAs(global::System.Runtime.InteropServices.UnmanagedType.LPArray)]",
         out="global::System.IntPtr") const char *, char * "byte[]"
%typemap(cstype) const char *, char * "string"
%typemap(in) const char *, char * %{ $1 = ($1_ltype)$input; %}
%typemap(out) const char *, char * %{ $result = (char *)$1; %}
%typemap(csin) const char *, char * "global::UcPolicy.Interop.Utf8.ToNative($csinput)"
%typemap(csout, excode=SWIGEXCODE) const char *, char * {
    string ret = global::UcPolicy.Interop.Utf8.FromNative($imcall);$excode
    return ret;
  }

/* A PKCS#12 password is never a managed string in transit: the facade passes unmanaged UTF-8
 * it allocated itself and wipes after the call (the library keeps no copy). */
%typemap(ctype) const char *password "char *"
%typemap(imtype, inattributes="") const char *password "global::System.IntPtr"
%typemap(cstype) const char *password "global::System.IntPtr"
%typemap(csin) const char *password "$csinput"

/* ---- bytes ----------------------------------------------------------------------------- */
%typemap(ctype) const uint8_t *data "const uint8_t *"
%typemap(imtype,
         inattributes="[global::System.Runtime.InteropServices.In, global::System.Runtime.InteropServices.MarshalAs(global::System.Runtime.InteropServices.UnmanagedType.LPArray)]") const uint8_t *data "byte[]"
%typemap(cstype) const uint8_t *data "byte[]"
%typemap(in) const uint8_t *data %{ $1 = ($1_ltype)$input; %}
%typemap(csin) const uint8_t *data "$csinput"

%typemap(ctype) uint8_t *buffer "uint8_t *"
%typemap(imtype,
         inattributes="[global::System.Runtime.InteropServices.In, global::System.Runtime.InteropServices.Out, global::System.Runtime.InteropServices.MarshalAs(global::System.Runtime.InteropServices.UnmanagedType.LPArray)]") uint8_t *buffer "byte[]"
%typemap(cstype) uint8_t *buffer "byte[]"
%typemap(in) uint8_t *buffer %{ $1 = $input; %}
%typemap(csin) uint8_t *buffer "$csinput"

/* ---- 2. ucp_status -> UcPolicyException ------------------------------------------------ */
%insert(runtime) %{
typedef void (SWIGSTDCALL *ucp_csharp_error_callback)(int code, const char *name,
                                                      const char *message, const char *source,
                                                      int origin, int origin_code);
static ucp_csharp_error_callback ucp_csharp_raise = NULL;

#ifdef __cplusplus
extern "C"
#endif
SWIGEXPORT void SWIGSTDCALL UcpCSharpRegisterErrorCallback(ucp_csharp_error_callback callback)
{
    ucp_csharp_raise = callback;
}
%}

%{
#include <string.h>
#include "ucpolicy.h"

/* Called on the thread whose call failed, right after the failure: ucp_error_last() is that
 * call's error. If it records another code (it never should), the status wins and the message
 * falls back to the generic text, so a stale error is never reported as the current one. */
static void ucp_csharp_set_pending(ucp_status status)
{
    const ucp_error *error = ucp_error_last();
    const char *message = NULL;
    const char *source = NULL;
    int origin = UCP_ORIGIN_UCPOLICY;
    int origin_code = 0;
    if (error != NULL && ucp_error_code(error) == status) {
        message = ucp_error_message(error);
        source = ucp_error_source(error);
        origin = (int)ucp_error_origin_of(error);
        origin_code = ucp_error_origin_code(error);
    }
    if (message == NULL || message[0] == '\0')
        message = ucp_strerror(status);
    if (ucp_csharp_raise != NULL)
        ucp_csharp_raise((int)status, ucp_strerror_name(status), message, source, origin,
                         origin_code);
    else
        SWIG_CSharpSetPendingException(SWIG_CSharpApplicationException, message);
}
%}

%pragma(csharp) imclasscode=%{
  // Registers the callback through which the C wrapper raises UcPolicyException. A static
  // field initialiser of this class, so it runs before the first wrapped call.
  internal sealed class UcpErrorHelper {
    [global::System.Runtime.InteropServices.UnmanagedFunctionPointer(global::System.Runtime.InteropServices.CallingConvention.StdCall)]
    internal delegate void ErrorDelegate(int code, global::System.IntPtr name, global::System.IntPtr message,
                                         global::System.IntPtr source, int origin, int originCode);

    // Kept in a static field: the native side holds the function pointer for the process's life.
    static readonly ErrorDelegate errorDelegate = new ErrorDelegate(SetPending);

    [global::System.Runtime.InteropServices.DllImport("$dllimport", EntryPoint="UcpCSharpRegisterErrorCallback")]
    static extern void UcpCSharpRegisterErrorCallback(ErrorDelegate callback);

    static void SetPending(int code, global::System.IntPtr name, global::System.IntPtr message,
                           global::System.IntPtr source, int origin, int originCode) {
      SWIGPendingException.Set(new global::UcPolicy.UcPolicyException(
          (global::UcPolicy.UcPolicyErrorCode)code,
          global::UcPolicy.Interop.Utf8.FromNative(name),
          global::UcPolicy.Interop.Utf8.FromNative(message),
          source == global::System.IntPtr.Zero ? null : global::UcPolicy.Interop.Utf8.FromNative(source),
          (global::UcPolicy.ErrorOrigin)origin,
          originCode));
    }

    static UcpErrorHelper() {
      UcpCSharpRegisterErrorCallback(errorDelegate);
    }

    internal static void Touch() { }
  }
  static readonly UcpErrorHelper ucpErrorHelper = new UcpErrorHelper();
%}

%typemap(ctype) ucp_status "int"
%typemap(imtype) ucp_status "int"
%typemap(cstype, out="void") ucp_status "int"
%typemap(in) ucp_status %{ $1 = ($1_ltype)$input; %}
%typemap(csin) ucp_status "$csinput"
%typemap(out, canthrow=1) ucp_status %{
    if ($1 != UCP_OK) {
        ucp_csharp_set_pending($1);
        return $null;
    }
    $result = 0;
%}
%typemap(csout, excode=SWIGEXCODE) ucp_status {
    $imcall;$excode
  }

/* The error getters serve the typemap above; C# sees errors only as UcPolicyException. */
%ignore ucp_error_last;
%ignore ucp_error_clear;
%ignore ucp_error_code;
%ignore ucp_error_message;
%ignore ucp_error_source;
%ignore ucp_error_origin_of;
%ignore ucp_error_origin_code;

/* Parsers with an enum out-parameter: `out int`, cast by the facade. */
%define UCP_ENUM_OUT(TYPE)
%typemap(ctype) TYPE *out "int *"
%typemap(imtype) TYPE *out "out int"
%typemap(cstype) TYPE *out "out int"
%typemap(in) TYPE *out %{ $1 = ($1_ltype)$input; %}
%typemap(csin) TYPE *out "out $csinput"
%enddef
UCP_ENUM_OUT(ucp_severity)
UCP_ENUM_OUT(ucp_product)
UCP_ENUM_OUT(ucp_fact)
UCP_ENUM_OUT(ucp_probe_protocol)
UCP_ENUM_OUT(ucp_output_format)
UCP_ENUM_OUT(ucp_fail_on)
UCP_ENUM_OUT(ucp_request_format)

/* ---- 3. handles ------------------------------------------------------------------------ */
/* Owned: a SafeHandle class of the facade (UcPolicy.Interop.*Handle). `T **out` becomes
 * `out Handle`: the marshaller creates the SafeHandle and stores the pointer atomically, so a
 * handle cannot leak between the native return and the managed assignment. */
%define UCP_OWNED_HANDLE(TYPE, CSTYPE)
%typemap(ctype) TYPE *, const TYPE * "void *"
%typemap(imtype) TYPE *, const TYPE * "global::UcPolicy.Interop.CSTYPE"
%typemap(cstype) TYPE *, const TYPE * "global::UcPolicy.Interop.CSTYPE"
%typemap(in) TYPE *, const TYPE * %{ $1 = ($1_ltype)$input; %}
%typemap(csin) TYPE *, const TYPE * "$csinput"
%typemap(ctype) TYPE **out "void **"
%typemap(imtype) TYPE **out "out global::UcPolicy.Interop.CSTYPE"
%typemap(cstype) TYPE **out "out global::UcPolicy.Interop.CSTYPE"
%typemap(in) TYPE **out %{ $1 = ($1_ltype)$input; %}
%typemap(csin) TYPE **out "out $csinput"
%enddef
UCP_OWNED_HANDLE(ucp_checker, CheckerHandle)
UCP_OWNED_HANDLE(ucp_input, InputHandle)
UCP_OWNED_HANDLE(ucp_topology, TopologyHandle)
UCP_OWNED_HANDLE(ucp_report, ReportHandle)
UCP_OWNED_HANDLE(ucp_probe, ProbeHandle)
UCP_OWNED_HANDLE(ucp_renderer, RendererHandle)
UCP_OWNED_HANDLE(ucp_deployment, DeploymentHandle)

/* The _free functions take the raw pointer: a SafeHandle's ReleaseHandle cannot pass itself.
 * ucp_report_ref is not needed (the facade copies a report and frees it). */
%ignore ucp_checker_free;
%ignore ucp_input_free;
%ignore ucp_topology_free;
%ignore ucp_report_free;
%ignore ucp_probe_free;
%ignore ucp_renderer_free;
%ignore ucp_deployment_free;
%ignore ucp_report_ref;
/* A borrowed topology would need a second, non-owning handle type: the report's deployment facts
 * are read through the ucp_csharp_report_fact_* wrappers below instead. */
%ignore ucp_report_topology;

/* The pool check's (const ucp_input *const *inputs, size_t count): a wrapper taking the inputs
 * as an IntPtr[] of the facade's InputHandles, which the facade holds (DangerousAddRef) for the
 * length of the call. */
%ignore ucp_checker_check_pool;
%typemap(ctype) void **inputs "void **"
%typemap(imtype,
         inattributes="[global::System.Runtime.InteropServices.In, global::System.Runtime.InteropServices.MarshalAs(global::System.Runtime.InteropServices.UnmanagedType.LPArray)]") void **inputs "global::System.IntPtr[]"
%typemap(cstype) void **inputs "global::System.IntPtr[]"
%typemap(in) void **inputs %{ $1 = $input; %}
%typemap(csin) void **inputs "$csinput"

/* Borrowed or static: IntPtr, read at once by the facade. */
%define UCP_BORROWED(TYPE)
%typemap(ctype) TYPE *, const TYPE * "void *"
%typemap(imtype) TYPE *, const TYPE * "global::System.IntPtr"
%typemap(cstype) TYPE *, const TYPE * "global::System.IntPtr"
%typemap(in) TYPE *, const TYPE * %{ $1 = ($1_ltype)$input; %}
%typemap(out) TYPE *, const TYPE * %{ $result = (void *)$1; %}
%typemap(csin) TYPE *, const TYPE * "$csinput"
%typemap(csout, excode=SWIGEXCODE) TYPE *, const TYPE * {
    global::System.IntPtr ret = $imcall;$excode
    return ret;
  }
%enddef
UCP_BORROWED(ucp_certificate)
UCP_BORROWED(ucp_finding)
UCP_BORROWED(ucp_role)
UCP_BORROWED(ucp_rule)
UCP_BORROWED(ucp_role_rule)
UCP_BORROWED(ucp_reference)
UCP_BORROWED(ucp_cert_need)
UCP_BORROWED(void)

/* ucp_buffer: a blittable struct of the facade, passed by reference; the facade decodes the
 * text and calls ucp_buffer_dispose in a finally block. */
%ignore ucp_buffer;
%typemap(ctype) ucp_buffer * "ucp_buffer *"
%typemap(imtype) ucp_buffer * "ref global::UcPolicy.Interop.UcpBuffer"
%typemap(cstype) ucp_buffer * "ref global::UcPolicy.Interop.UcpBuffer"
%typemap(in) ucp_buffer * %{ $1 = $input; %}
%typemap(csin) ucp_buffer * "ref $csinput"

/* Not useful in C#: an array of report pointers (already ignored), a compile-time sentinel the
 * facade spells as long.MinValue. */
%ignore UCP_TIME_NOW;

/* Release functions for the SafeHandles, and a copying wrapper for the DER bytes (ucpolicy.i
 * leaves ucp_certificate_der to each language). */
%inline %{
static void ucp_csharp_checker_release(void *handle) { ucp_checker_free((ucp_checker *)handle); }
static void ucp_csharp_input_release(void *handle) { ucp_input_free((ucp_input *)handle); }
static void ucp_csharp_topology_release(void *handle) { ucp_topology_free((ucp_topology *)handle); }
static void ucp_csharp_report_release(void *handle) { ucp_report_free((ucp_report *)handle); }
static void ucp_csharp_probe_release(void *handle) { ucp_probe_free((ucp_probe *)handle); }
static void ucp_csharp_renderer_release(void *handle) { ucp_renderer_free((ucp_renderer *)handle); }
static void ucp_csharp_deployment_release(void *handle) { ucp_deployment_free((ucp_deployment *)handle); }

static ucp_status ucp_csharp_check_pool(ucp_checker *checker, void **inputs, size_t count,
                                        const char *role, const ucp_topology *topology,
                                        ucp_report **out)
{
    return ucp_checker_check_pool(checker, (const ucp_input *const *)inputs, count, role, topology, out);
}

/* The deployment facts of a report (ucp_report_topology, borrowed from the report). */
static size_t ucp_csharp_report_fact_count(const ucp_report *report, ucp_fact fact)
{
    return ucp_topology_count(ucp_report_topology(report), fact);
}
static const char *ucp_csharp_report_fact_at(const ucp_report *report, ucp_fact fact, size_t index)
{
    return ucp_topology_get(ucp_report_topology(report), fact, index);
}
static ucp_product ucp_csharp_report_topology_product(const ucp_report *report)
{
    return ucp_topology_product(ucp_report_topology(report));
}

/* Copies at most `capacity` bytes of the DER encoding into `buffer` (which may be NULL when
 * capacity is 0) and returns the full length. */
static size_t ucp_csharp_certificate_der_copy(const ucp_certificate *cert, uint8_t *buffer,
                                              size_t capacity)
{
    size_t length = 0;
    const uint8_t *der = ucp_certificate_der(cert, &length);
    if (der != NULL && buffer != NULL)
        memcpy(buffer, der, length < capacity ? length : capacity);
    return der != NULL ? length : 0;
}
%}

%include "../ucpolicy.i"

/* ---- scans (ucpolicy/scan.h) ----------------------------------------------------------- */
/* A scan is an owned handle; an endpoint is borrowed from it. The C callback is not bound as
 * is: ucp_csharp_scan_run calls a managed delegate (a function pointer the facade keeps alive
 * for the call) once per endpoint, on the calling thread, as ucp_scan_run calls its callback.
 * The endpoint's report is parked in the run's state and taken by the delegate through
 * ucp_csharp_scan_take_report (an `out ReportHandle`, so it cannot leak on the way); one the
 * delegate did not take is freed when it returns. */
UCP_OWNED_HANDLE(ucp_scan, ScanHandle)
UCP_BORROWED(ucp_endpoint)
%ignore ucp_scan_free;
%ignore ucp_scan_run;
%ignore ucp_scan_callback;

%typemap(ctype) ucp_csharp_scan_callback "ucp_csharp_scan_callback"
%typemap(imtype) ucp_csharp_scan_callback "global::UcPolicy.Interop.ScanCallback"
%typemap(cstype) ucp_csharp_scan_callback "global::UcPolicy.Interop.ScanCallback"
%typemap(in) ucp_csharp_scan_callback %{ $1 = $input; %}
%typemap(csin) ucp_csharp_scan_callback "$csinput"

%include "ucpolicy/scan.h"

%{
/* index, whether a report is parked, status, its name and message (NULL with a report), the
 * run's state; returns 0 to go on. */
typedef int (SWIGSTDCALL *ucp_csharp_scan_callback)(size_t index, int has_report, int status,
                                                    const char *name, const char *message,
                                                    void *state);
struct ucp_csharp_scan_state {
    ucp_csharp_scan_callback callback;
    ucp_report *pending;
};

static int ucp_csharp_scan_endpoint(const ucp_endpoint *endpoint, ucp_report *report,
                                    ucp_status status, const char *message, void *payload)
{
    struct ucp_csharp_scan_state *state = (struct ucp_csharp_scan_state *)payload;
    state->pending = report;
    int stop = state->callback(ucp_endpoint_index(endpoint), report != NULL, (int)status,
                               report != NULL ? NULL : ucp_strerror_name(status), message, state);
    ucp_report_free(state->pending); /* not taken */
    state->pending = NULL;
    return stop;
}
%}

%inline %{
static void ucp_csharp_scan_release(void *handle) { ucp_scan_free((ucp_scan *)handle); }

/* ucp_scan_run with the delegate; a scan the delegate stopped is not an error. */
static ucp_status ucp_csharp_scan_run(ucp_scan *scan, ucp_checker *checker,
                                      ucp_csharp_scan_callback callback)
{
    struct ucp_csharp_scan_state state = {callback, NULL};
    if (callback == NULL)
        return ucp_scan_run(scan, checker, NULL, NULL); /* the library's own refusal */
    ucp_status status = ucp_scan_run(scan, checker, ucp_csharp_scan_endpoint, &state);
    return status == UCP_E_CANCELLED ? UCP_OK : status;
}

/* Hands the report parked for the endpoint being reported (NULL when there is none). */
static void ucp_csharp_scan_take_report(void *state, ucp_report **out)
{
    struct ucp_csharp_scan_state *s = (struct ucp_csharp_scan_state *)state;
    *out = s->pending;
    s->pending = NULL;
}
%}

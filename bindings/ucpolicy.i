/* SPDX-License-Identifier: MIT */
/*
 * The SWIG interface shared by every language binding (Python, C#).
 *
 * Layout (after xapian-bindings): a language file - bindings/python/ucpolicy_python.i,
 * bindings/csharp/ucpolicy_csharp.i - sets %module, defines its typemaps for the patterns below,
 * then %includes this file. This file stays language-neutral: no #ifdef SWIGPYTHON here.
 *
 * Patterns every language file maps (the C API uses nothing else):
 *   ucp_status                              return value -> raise/throw from ucp_error_last()
 *                                           (one typemap, thread-safe: the last error is
 *                                           thread-local), void otherwise
 *   ucp_T **out  (first parameter)          -> the new object is the return value
 *   ucp_buffer *out, ucp_buffer *chunk      -> the text is the return value (then disposed)
 *   const uint8_t *data, size_t length      -> bytes / byte[]
 *   const char *                            -> str / string, UTF-8 both ways
 *   const ucp_input *const *inputs,         -> a list / array of inputs, borrowed for the call
 *     size_t count                             (ucp_checker_check_pool)
 *
 * Ownership: the generated layer is private. Objects it returns are NOT owned by SWIG proxies;
 * each language's hand-written facade frees them with the C _free/_unref calls
 * (deterministically: close()/Dispose(), and from finalizers, which the C API allows from any
 * thread). Borrowed pointers (findings, certificates of a report) are read into native objects
 * by the facade while their parent is alive; nothing borrowed escapes the facade.
 */

%{
#include "ucpolicy.h"
%}

%include <stdint.i>

/* Not bindable as is: arrays of pointers. The facades render lists with a ucp_renderer (the
 * same bytes, ucpolicy/render.h), report by report. */
%ignore ucp_report_list_to_json;
%ignore ucp_report_list_render;
/* ucp_checker_check_pool takes (const ucp_input *const *inputs, size_t count): every language
 * file maps that pair (see the list above); the inputs are borrowed for the call only. */
/* Batches take C callbacks that run on the library's threads: not bound yet (a facade would
 * marshal each result to its own thread); the faces loop over ucp_checker_check meanwhile. */
%ignore ucp_checker_check_files;
%ignore ucp_checker_set_progress;
%ignore ucp_batch_fn;
%ignore ucp_progress_fn;
/* Raw pointer + length out-parameter: each language file provides a copying wrapper. */
%ignore ucp_certificate_der;

/* Version macros are exposed as constants; the export and linkage macros are not. */
%ignore UCP_EXPORT;
%ignore UCP_DEPRECATED;
%ignore UCP_BEGIN_DECLS;
%ignore UCP_END_DECLS;

%include "ucpolicy/version.h"
%include "ucpolicy/status.h"
%include "ucpolicy/common.h"
%include "ucpolicy/catalogue.h"
%include "ucpolicy/topology.h"
%include "ucpolicy/certificate.h"
%include "ucpolicy/report.h"
%include "ucpolicy/checker.h"
%include "ucpolicy/probe.h"
%include "ucpolicy/render.h"
%include "ucpolicy/deployment.h"

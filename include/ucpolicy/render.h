/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_RENDER_H
#define UCPOLICY_RENDER_H

/**
 * @file ucpolicy/render.h
 * @brief Every output format of reports, batches and the catalogue, and the exit-code rule.
 *
 * One place renders everything the faces print (the `ucpolicy` command, the Python and .NET
 * bindings, the PowerShell module, a vendor's GUI):
 *
 * - one report: ucp_report_render();
 * - several reports at once: ucp_report_list_render();
 * - a batch, streamed as its inputs complete: a ::ucp_renderer (ucp_renderer_new(), then
 *   ucp_renderer_add_report() / ucp_renderer_add_error() for each input, ucp_renderer_finish()),
 *   which holds no report: each call returns the bytes to write now, and the concatenation of
 *   every chunk is what ucp_report_list_render() gives for the same reports;
 * - the exit status of the Nagios plugin convention: ucp_report_exit_code(),
 *   ucp_renderer_exit_code();
 * - the catalogue listings of `ucpolicy roles` and `ucpolicy rules`: ucp_catalogue_render_roles(),
 *   ucp_catalogue_render_rules().
 *
 * Text from outside the library (file names, subjects, SAN values, messages) is escaped for
 * the format it goes into: JSON and SARIF string escaping, XML and HTML character references,
 * CSV quoting with a guard against spreadsheet formulas; bytes that are not UTF-8 and control
 * characters are written as the text `\xHH` wherever the format could not carry them.
 */

#include "ucpolicy/common.h"
#include "ucpolicy/report.h"

UCP_BEGIN_DECLS

/** An output format. @since 1.1 */
typedef enum ucp_output_format {
    UCP_OUTPUT_TEXT = 0,  /**< "text": the report for people (ucp_report_to_text()). @since 1.1 */
    UCP_OUTPUT_JSON = 1,  /**< "json": the report schema (ucp_report_to_json()); several reports are an array. @since 1.1 */
    UCP_OUTPUT_SARIF = 2, /**< "sarif": a SARIF 2.1.0 log for code-scanning dashboards: one run, one result per finding. @since 1.1 */
    UCP_OUTPUT_CSV = 3,   /**< "csv": RFC 4180, a header row, one row per finding (one for a report without findings). @since 1.1 */
    UCP_OUTPUT_HTML = 4,  /**< "html": one self-contained page (no script, no external resource): a summary table, then each report. @since 1.1 */
    UCP_OUTPUT_JUNIT = 5, /**< "junit": JUnit XML for CI dashboards: one test case per input. @since 1.1 */
    UCP_OUTPUT_NAGIOS = 6 /**< "nagios": a Nagios plugin's status line with performance data, then one line per failing input. @since 1.1 */
} ucp_output_format;

/**
 * Render flag (with ::UCP_RENDER_PRETTY) for JSON of several reports: each entry of the array
 * is written exactly as it is alone (ucp_report_to_json()), not indented one level inside the
 * array: the layout `ucpolicy check --format json FILE...` has written since 1.0. Without it,
 * the layout of ucp_report_list_to_json(). Compact JSON is the same either way; other formats
 * ignore it.
 * @since 1.1
 */
#define UCP_RENDER_FLAT 8u

/** The lowest severity that makes a check fail (`ucpolicy --fail-on`). @since 1.1 */
typedef enum ucp_fail_on {
    UCP_FAIL_ON_ERROR = 0,   /**< "error": only error findings fail. @since 1.1 */
    UCP_FAIL_ON_WARNING = 1, /**< "warning": warnings fail too (the command's default). @since 1.1 */
    UCP_FAIL_ON_INFO = 2,    /**< "info": any finding fails. @since 1.1 */
    UCP_FAIL_ON_NEVER = 3    /**< "never": the exit status is always 0 (inputs that could not be read excepted). @since 1.1 */
} ucp_fail_on;

/** "text", "json", "sarif", "csv", "html", "junit" or "nagios"; "" out of range. @since 1.1 */
UCP_EXPORT const char *ucp_output_format_name(ucp_output_format format);

/**
 * Parse a format name (ASCII case-insensitive).
 * @param[out] out The format.
 * @param[in] name E.g. "sarif".
 * @returns ::UCP_OK, or ::UCP_E_INVALID_ARGUMENT with a message listing the formats.
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_output_format_from_name(ucp_output_format *out, const char *name);

/** "error", "warning", "info" or "never"; "" out of range. @since 1.1 */
UCP_EXPORT const char *ucp_fail_on_name(ucp_fail_on fail_on);

/**
 * Parse a fail-on level (ASCII case-insensitive).
 * @param[out] out The level.
 * @param[in] name "error", "warning", "info" or "never".
 * @returns ::UCP_OK, or ::UCP_E_INVALID_ARGUMENT with a message listing the levels.
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_fail_on_from_name(ucp_fail_on *out, const char *name);

/**
 * The exit status for one report (the Nagios plugin convention): 0 pass, 1 warnings only, 2 an
 * error. With ::UCP_FAIL_ON_ERROR warnings give 0; with ::UCP_FAIL_ON_INFO information findings
 * give 1; ::UCP_FAIL_ON_NEVER always gives 0. A probe report (ucp_report_has_connection())
 * also counts the server's verdict on the client certificate: rejected gives 2 (the failure of
 * the Exchange UM incident, even when the server's own certificate passes), and a certificate
 * sent whose fate the server's answer does not tell gives at least 1 unless @p fail_on is
 * ::UCP_FAIL_ON_ERROR.
 * @param[in] report The report; NULL gives 3.
 * @param[in] fail_on The lowest severity that fails.
 * @since 1.1
 */
UCP_EXPORT int ucp_report_exit_code(const ucp_report *report, ucp_fail_on fail_on);

/**
 * Render one report.
 *
 * Text and JSON are ucp_report_to_text() and ucp_report_to_json(); the document formats
 * (SARIF, CSV, HTML, JUnit, Nagios) are the document of a batch of this one report, as
 * ucp_report_list_render() makes it.
 * @param[in] report The report.
 * @param[in] format The format.
 * @param[in] flags ::UCP_RENDER_PRETTY (JSON, SARIF), ::UCP_RENDER_COLOR and
 *            ::UCP_RENDER_VERBOSE (text), or 0.
 * @param[out] out Filled with the text; release it with ucp_buffer_dispose().
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT or ::UCP_E_NO_MEMORY.
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_report_render(const ucp_report *report, ucp_output_format format, unsigned flags,
                                        ucp_buffer *out);

/**
 * Render several reports as one document.
 *
 * JSON: the array of ucp_report_list_to_json() (with ::UCP_RENDER_FLAT, the command's layout);
 * text: the reports one after another, separated by an empty line, as `ucpolicy check` prints
 * them; the other formats: one document for all. The same as the chunks of a ::ucp_renderer
 * fed the same reports, concatenated.
 * @param[in] reports The reports (none may be NULL).
 * @param[in] count Their number (0 gives the empty document: "[]" in JSON, a header row in CSV).
 * @param[in] format The format.
 * @param[in] flags As for ucp_report_render(), and ::UCP_RENDER_FLAT.
 * @param[out] out Filled with the text; release it with ucp_buffer_dispose().
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_report_list_render(const ucp_report *const *reports, size_t count,
                                             ucp_output_format format, unsigned flags, ucp_buffer *out);

/**
 * Render an input that could not be read on its own, as ucp_report_render() renders a report:
 * in JSON the error entry `ucpolicy check` writes for such a file, the object
 * `{"schema": "ucpolicy-report", "schemaVersion": ..., "input": {"name": ...}, "result":
 * "error", "error": {"code": "UCP_E_...", "message": ...}}` (pretty or compact as the command
 * writes it); in the document formats the document of a batch of this one input.
 * @param[in] input_name The file name (or host:port) given; any bytes.
 * @param[in] code Why it could not be read (ucp_error_code()).
 * @param[in] message The error's message (ucp_error_message()); NULL gives "".
 * @param[in] format The format.
 * @param[in] flags As for ucp_report_render().
 * @param[out] out Filled with the text; release it with ucp_buffer_dispose().
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_input_error_render(const char *input_name, ucp_status code, const char *message,
                                             ucp_output_format format, unsigned flags, ucp_buffer *out);

/**
 * A streaming renderer of a batch (opaque). Feed it each input as it completes; it keeps no
 * report, only what its format must write at the end (for SARIF the input names and the
 * errors; for HTML, JUnit and Nagios, whose documents start with totals, each entry's rendered
 * text). Not thread-safe: one thread at a time.
 * @since 1.1
 */
typedef struct ucp_renderer ucp_renderer;

/**
 * Start a batch.
 *
 * Text, JSON and CSV write each entry as it is added; SARIF writes its tool description and
 * each finding as it is added and the artifacts and invocation at the end; HTML, JUnit and
 * Nagios write the whole document at the end (it starts with the totals). JSON of a batch is
 * always an array: `ucpolicy check` with a single FILE writes the bare object, which
 * ucp_report_render() and ucp_input_error_render() give. JSON and SARIF end without a newline,
 * as ucp_report_to_json() does; the other formats end with one.
 * @param[out] out The new renderer; free it with ucp_renderer_free().
 * @param[in] format The format.
 * @param[in] flags As for ucp_report_list_render().
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT (format out of range) or ::UCP_E_NO_MEMORY.
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_renderer_new(ucp_renderer **out, ucp_output_format format, unsigned flags);

/**
 * The fail-on level of the documents that judge (JUnit: which test cases fail; Nagios: the
 * state of the status line; SARIF: the exit code of the invocation). Default
 * ::UCP_FAIL_ON_WARNING, the command's. Set it before the first entry.
 * @returns ::UCP_OK, or ::UCP_E_INVALID_ARGUMENT (out of range, or entries already added).
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_renderer_set_fail_on(ucp_renderer *renderer, ucp_fail_on fail_on);

/**
 * Add a report.
 * @param[in] renderer The renderer (not finished).
 * @param[in] report The report; the renderer keeps no reference.
 * @param[out] chunk The bytes to write now (possibly empty); release with ucp_buffer_dispose().
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_renderer_add_report(ucp_renderer *renderer, const ucp_report *report, ucp_buffer *chunk);

/**
 * Add an input that could not be read: it gets its entry in every format (JSON: the entry of
 * ucp_input_error_render(); text: a block saying why; SARIF: an artifact and a
 * toolExecutionNotification; CSV: a row with the result "Error"; HTML: a row and a section;
 * JUnit: a test case with `<error>`; Nagios: the state UNKNOWN and a line).
 * @param[in] renderer The renderer (not finished).
 * @param[in] input_name The file name (or host:port) given; any bytes.
 * @param[in] code Why it could not be read (a negative ::ucp_status).
 * @param[in] message The error's message; NULL gives "".
 * @param[out] chunk The bytes to write now (possibly empty); release with ucp_buffer_dispose().
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_renderer_add_error(ucp_renderer *renderer, const char *input_name, ucp_status code,
                                             const char *message, ucp_buffer *chunk);

/**
 * End the batch: the last bytes to write (the closing of the array, the whole page...).
 * Afterwards only the counters, the summary and the exit code may be asked.
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_renderer_finish(ucp_renderer *renderer, ucp_buffer *chunk);

/** Free a renderer (finished or not). NULL is accepted. @since 1.1 */
UCP_EXPORT void ucp_renderer_free(ucp_renderer *renderer);

/** Number of reports added whose result is @p result. @since 1.1 */
UCP_EXPORT size_t ucp_renderer_count(const ucp_renderer *renderer, ucp_result result);

/** Number of inputs added that could not be read. @since 1.1 */
UCP_EXPORT size_t ucp_renderer_error_count(const ucp_renderer *renderer);

/**
 * The summary line for people, without a newline: "checked 300: 280 pass, 15 warning, 5 fail",
 * followed by ", 2 could not be read" when inputs could not be read.
 * @param[out] out Filled with the text; release it with ucp_buffer_dispose().
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_renderer_summary(const ucp_renderer *renderer, ucp_buffer *out);

/**
 * The exit status of the batch: the worst ucp_report_exit_code() of its reports, and 3 when an
 * input could not be read (whatever @p fail_on), as `ucpolicy check FILE...` exits. An empty
 * batch gives 0.
 * @since 1.1
 */
UCP_EXPORT int ucp_renderer_exit_code(const ucp_renderer *renderer, ucp_fail_on fail_on);

/**
 * The roles of the catalogue as `ucpolicy roles` lists them: text (id, title, aliases, the
 * deployment facts each needs) or JSON (an array of objects, one a line).
 * @param[in] format ::UCP_OUTPUT_TEXT or ::UCP_OUTPUT_JSON.
 * @param[in] flags 0 (no flag changes the listing).
 * @param[out] out Filled with the text, ending with a newline; release it with ucp_buffer_dispose().
 * @returns ::UCP_OK, or ::UCP_E_UNSUPPORTED for another format.
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_catalogue_render_roles(ucp_output_format format, unsigned flags, ucp_buffer *out);

/**
 * The rules as `ucpolicy rules` lists them: every rule of the catalogue (code, field, title;
 * in JSON also the remediation and the roles binding it) when @p role is NULL, else the rules
 * of that role that apply to @p product, with their severity for it, the role's wording and
 * the sources (`ucpolicy rules --role ROLE --product PRODUCT`).
 * @param[in] role A role id or alias, or NULL for every rule (then @p product is not used).
 * @param[in] product The product release.
 * @param[in] format ::UCP_OUTPUT_TEXT or ::UCP_OUTPUT_JSON.
 * @param[in] flags 0 (no flag changes the listing).
 * @param[out] out Filled with the text, ending with a newline; release it with ucp_buffer_dispose().
 * @returns ::UCP_OK, ::UCP_E_UNKNOWN_ROLE, ::UCP_E_UNKNOWN_PRODUCT or ::UCP_E_UNSUPPORTED.
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_catalogue_render_rules(const char *role, ucp_product product, ucp_output_format format,
                                                 unsigned flags, ucp_buffer *out);

UCP_END_DECLS

#endif /* UCPOLICY_RENDER_H */

/* SPDX-License-Identifier: MIT */
/*
 * libxml2 on first use: reading a Topology Builder XML document is its only use, and libxml2
 * brings ICU (two libraries, one of them 30 MB of data to map) into every process that loads
 * the library, so it is opened the first time a topology document is parsed (core/dlopen.c),
 * by the SONAME of the libxml2 the build's headers describe.
 *
 * Packages must depend on libxml2 explicitly (Debian: libxml2), since a package tool reading
 * the dynamic section no longer sees it; the .note.dlopen note below names it for the tools
 * that read those notes. Windows builds keep the direct link: the DLL is bundled beside libucpolicy-1.dll.
 */
#include "config.h"

#include <pthread.h>

#include "policy/policy-private.h"
#include "policy/libxml-private.h"

#if LIBXML_VERSION >= 21400
#  define UCP_XML_SONAME "libxml2.so.16"
#else
#  define UCP_XML_SONAME "libxml2.so.2"
#endif

#define UCP_XML_DEFINE(f) __typeof__(f) *sym_##f;
UCP_XML_FUNCTIONS(UCP_XML_DEFINE)
#undef UCP_XML_DEFINE
xmlFreeFunc *sym_xmlFree;

UCP_ELF_NOTE_DLOPEN(ucp_note_dlopen_xml,
                    "[{\"feature\":\"topology-xml\","
                    "\"description\":\"Reading Topology Builder XML documents\","
                    "\"priority\":\"recommended\","
                    "\"soname\":[\"" UCP_XML_SONAME "\"]}]");

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static const char *xml_problem;

static void load_xml(void)
{
#ifdef _WIN32
#  define UCP_XML_LINKED(f) sym_##f = f;
    UCP_XML_FUNCTIONS(UCP_XML_LINKED)
#  undef UCP_XML_LINKED
    sym_xmlFree = &xmlFree;
#else
    static const char *const sonames[] = {UCP_XML_SONAME, NULL};
#  define UCP_XML_SYMBOL(f) {#f, &sym_##f},
    static const struct ucp_dl_symbol symbols[] = {UCP_XML_FUNCTIONS(UCP_XML_SYMBOL){"xmlFree", &sym_xmlFree}};
#  undef UCP_XML_SYMBOL
    if (!ucp_dl_open(sonames, symbols, UCP_ARRAY_SIZE(symbols))) {
        xml_problem = "reading a topology XML document needs libxml2 (" UCP_XML_SONAME "): install libxml2";
        return;
    }
#endif
    /* libxml2's global state is set up once, before any thread parses (xmlInitParser is not
     * safe to race). */
    sym_xmlInitParser();
}

const char *ucp_xml_load(void)
{
    pthread_once(&xml_once, load_xml);
    return xml_problem;
}

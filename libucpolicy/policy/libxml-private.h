/* SPDX-License-Identifier: MIT */
/*
 * libxml2, loaded on first use (libxml.c): topology-xml.c calls it through these pointers, never
 * by its own names, so that the library does not link it (core/dlopen.c says why). The types
 * come from the libxml2 headers, which the build still needs.
 */
#ifndef UCPOLICY_POLICY_LIBXML_PRIVATE_H
#define UCPOLICY_POLICY_LIBXML_PRIVATE_H

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#define UCP_XML_FUNCTIONS(X)                                                                      \
    X(xmlInitParser)                                                                              \
    X(xmlReaderForMemory)                                                                         \
    X(xmlFreeTextReader)                                                                          \
    X(xmlTextReaderSetStructuredErrorHandler)                                                     \
    X(xmlTextReaderRead)                                                                          \
    X(xmlTextReaderNodeType)                                                                      \
    X(xmlTextReaderDepth)                                                                         \
    X(xmlTextReaderConstLocalName)                                                                \
    X(xmlTextReaderConstNamespaceUri)                                                             \
    X(xmlTextReaderGetAttribute)                                                                  \
    X(xmlTextReaderCurrentNode)                                                                   \
    X(xmlTextReaderGetParserLineNumber)                                                           \
    X(xmlGetLineNo)

#define UCP_XML_DECLARE(f) extern __typeof__(f) *sym_##f;
UCP_XML_FUNCTIONS(UCP_XML_DECLARE)
#undef UCP_XML_DECLARE
/* libxml2's deallocator is a variable (xmlFree), not a function: this points at it. */
extern xmlFreeFunc *sym_xmlFree;

/* Load libxml2 and run xmlInitParser, once per process (thread-safe). NULL when the sym_
 * pointers are ready; otherwise why not, as a constant string (libxml2 is not installed). */
const char *ucp_xml_load(void);

#endif

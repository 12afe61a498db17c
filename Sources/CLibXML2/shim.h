#ifndef POSTBATCH_CLIBXML2_SHIM_H
#define POSTBATCH_CLIBXML2_SHIM_H
/* Debian's libxml2 is built with ICU, so <libxml/encoding.h> includes the system
 * <unicode/ucnv.h>. Swift's Foundation brings its own ICU headers (_FoundationICU), and a
 * module that imports both Foundation and this one fails to build on the clashing
 * `enum UErrorCode`. postbatch never touches libxml2's ICU converters (only the
 * `uconv_in`/`uconv_out` fields at the end of xmlCharEncodingHandler, which Swift code
 * never reads or allocates), so the ICU part of the headers is switched off here. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlwriter.h>
#include <libxml/xmlschemas.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#endif

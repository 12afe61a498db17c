#ifndef POSTBATCH_CLIBXML2_SHIM_H
#define POSTBATCH_CLIBXML2_SHIM_H
#include <libxml/xmlwriter.h>
#include <libxml/xmlschemas.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#endif

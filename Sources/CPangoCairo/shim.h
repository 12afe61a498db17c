#ifndef POSTBATCH_CPANGOCAIRO_SHIM_H
#define POSTBATCH_CPANGOCAIRO_SHIM_H
#include <pango/pangocairo.h>
#include <cairo/cairo-pdf.h>
#endif

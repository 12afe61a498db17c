/* Writes the compact sRGB ICC profile of postbatch's PDF/A output intent to standard output.
 *
 * Built and run by scripts/make-srgb-icc.sh (and by the test that checks the shipped bytes):
 *   cc scripts/srgb-icc.c $(pkg-config --cflags --libs lcms2) -o srgb-icc && ./srgb-icc > sRGB.icc
 *
 * littleCMS 2 (Debian liblcms2-dev) builds its sRGB IEC 61966-2.1 profile: D65 primaries
 * adapted to D50 (chad), one shared parametric tone curve (para, type 3: the sRGB curve),
 * the chromaticities (chrm). It is written as an ICC v4.2 display (mntr) RGB profile with
 * an XYZ connection space, as PDF/A-2 (ISO 19005-2, ICC.1:2004-10) accepts, 588 bytes.
 * The header's creation date is fixed, then the profile ID (MD5) is computed, so the same
 * littleCMS gives the same bytes on every machine. */
#include <lcms2.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned char *save(cmsHPROFILE profile, cmsUInt32Number *size) {
    unsigned char *bytes;
    if (!cmsSaveProfileToMem(profile, NULL, size) || !(bytes = malloc(*size))) return NULL;
    if (!cmsSaveProfileToMem(profile, bytes, size)) return NULL;
    return bytes;
}

static int describe(cmsHPROFILE profile, cmsTagSignature tag, const char *text) {
    cmsMLU *mlu = cmsMLUalloc(NULL, 1);
    int ok = mlu && cmsMLUsetASCII(mlu, "en", "US", text) && cmsWriteTag(profile, tag, mlu);
    cmsMLUfree(mlu);
    return ok;
}

int main(void) {
    /* The header date: 2026-11-30 00:00:00, big-endian 16-bit fields at bytes 24-35. */
    static const unsigned char date[12] = {0x07, 0xEA, 0, 11, 0, 30, 0, 0, 0, 0, 0, 0};
    cmsHPROFILE profile = cmsCreate_sRGBProfile();
    cmsUInt32Number size = 0;
    if (!profile) return 1;
    cmsSetProfileVersion(profile, 4.2);
    if (!describe(profile, cmsSigProfileDescriptionTag, "sRGB IEC61966-2.1")
        || !describe(profile, cmsSigCopyrightTag, "No copyright, use freely")) return 1;
    unsigned char *first = save(profile, &size);
    if (!first) return 1;
    for (int i = 0; i < 12; i++) first[24 + i] = date[i];
    /* Read back (the header keeps the fixed date), then add the profile ID and write again. */
    cmsHPROFILE fixed = cmsOpenProfileFromMem(first, size);
    if (!fixed || !cmsMD5computeID(fixed)) return 1;
    unsigned char *bytes = save(fixed, &size);
    if (!bytes || fwrite(bytes, 1, size, stdout) != size) return 1;
    return 0;
}

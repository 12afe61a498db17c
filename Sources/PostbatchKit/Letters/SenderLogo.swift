internal import CPangoCairo
internal import CRsvg
internal import Foundation

/// The campaign's logo (``Campaign/Sender/logo``), read once, at the top of the sender block.
///
/// A PNG is drawn by cairo as an image, an SVG by librsvg as vectors; for the fast path
/// ``raster(for:pixelsPerPoint:)`` gives the same picture as pixels. The logo keeps its
/// aspect ratio inside ``maximumSize``.
///
/// This is the only file that talks to librsvg: it owns the cairo surface or the librsvg
/// handle and frees it in `deinit`. Not thread-safe: each renderer loads its own.
final class SenderLogo {
    private enum Source {
        case png(OpaquePointer)
        case svg(UnsafeMutablePointer<RsvgHandle>)
    }

    private let source: Source
    /// The picture's own size, in pixels (PNG) or CSS pixels (SVG).
    let width: Double
    let height: Double

    /// The largest box the logo may take: 60 × 14 mm.
    static let maximumSize = (width: LetterPage.mm(60), height: LetterPage.mm(14))

    /// Reads a PNG or SVG file.
    ///
    /// - Throws: ``LetterError`` with code `letter_pdf` naming the file when it cannot be
    ///   read as a PNG or SVG picture with a size.
    init(url: URL) throws(LetterError) {
        let path = url.path
        func failure(_ detail: String) -> LetterError {
            LetterError(code: .pdf, file: path, detail: detail)
        }
        if path.lowercased().hasSuffix(".svg") {
            var error: UnsafeMutablePointer<GError>?
            guard let handle = rsvg_handle_new_from_file(path, &error) else {
                let message = error.map { String(cString: $0.pointee.message) } ?? "unknown error"
                if let error { g_error_free(error) }
                throw failure("cannot read the SVG logo: \(message)")
            }
            var width = 0.0, height = 0.0
            guard rsvg_handle_get_intrinsic_size_in_pixels(handle, &width, &height) != 0, width > 0, height > 0 else {
                g_object_unref(UnsafeMutableRawPointer(handle))
                throw failure("the SVG logo has no size; expected width and height or a viewBox")
            }
            source = .svg(handle)
            self.width = width
            self.height = height
        } else {
            guard let surface = cairo_image_surface_create_from_png(path) else { throw failure("cannot read the PNG logo") }
            guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS,
                  cairo_image_surface_get_width(surface) > 0, cairo_image_surface_get_height(surface) > 0 else {
                cairo_surface_destroy(surface)
                throw failure("cannot read the PNG logo; expected a PNG file")
            }
            source = .png(surface)
            width = Double(cairo_image_surface_get_width(surface))
            height = Double(cairo_image_surface_get_height(surface))
        }
    }

    deinit {
        switch source {
        case .png(let surface): cairo_surface_destroy(surface)
        case .svg(let handle): g_object_unref(UnsafeMutableRawPointer(handle))
        }
    }

    /// Where the logo goes: the top-left corner of `sender`, as large as fits ``maximumSize``.
    func box(in sender: LetterBox) -> LetterBox {
        let scale = min(Self.maximumSize.width / width, Self.maximumSize.height / height, sender.width / width)
        return LetterBox(x: sender.x, y: sender.y, width: width * scale, height: height * scale)
    }

    /// Draws the logo into `box` with cairo.
    func draw(_ cr: OpaquePointer, in box: LetterBox) {
        cairo_save(cr)
        defer { cairo_restore(cr) }
        switch source {
        case .png(let surface):
            cairo_translate(cr, box.x, box.y)
            cairo_scale(cr, box.width / width, box.height / height)
            cairo_set_source_surface(cr, surface, 0, 0)
            cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BEST)
            cairo_paint(cr)
        case .svg(let handle):
            var viewport = RsvgRectangle(x: box.x, y: box.y, width: box.width, height: box.height)
            var error: UnsafeMutablePointer<GError>?
            if rsvg_handle_render_document(handle, cr, &viewport, &error) == 0, let error {
                g_error_free(error)
            }
        }
    }

    /// The logo drawn into `box` as pixels: RGB and alpha rows, top row first, not premultiplied.
    func raster(for box: LetterBox, pixelsPerPoint: Double) -> (width: Int, height: Int, rgb: [UInt8], alpha: [UInt8]) {
        let columns = max(1, Int((box.width * pixelsPerPoint).rounded()))
        let rows = max(1, Int((box.height * pixelsPerPoint).rounded()))
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(columns), Int32(rows)) else {
            return (columns, rows, [UInt8](repeating: 255, count: columns * rows * 3), [UInt8](repeating: 0, count: columns * rows))
        }
        defer { cairo_surface_destroy(surface) }
        if let cr = cairo_create(surface) {
            cairo_scale(cr, Double(columns) / box.width, Double(rows) / box.height)
            draw(cr, in: LetterBox(x: 0, y: 0, width: box.width, height: box.height))
            cairo_destroy(cr)
        }
        cairo_surface_flush(surface)
        var rgb = [UInt8](repeating: 255, count: columns * rows * 3)
        var alpha = [UInt8](repeating: 0, count: columns * rows)
        guard let data = cairo_image_surface_get_data(surface) else { return (columns, rows, rgb, alpha) }
        let stride = Int(cairo_image_surface_get_stride(surface))
        for row in 0..<rows {
            for column in 0..<columns {
                // ARGB32 in native (little-endian) order: B, G, R, A, premultiplied.
                let pixel = data + row * stride + column * 4
                let a = Int(pixel[3])
                let index = row * columns + column
                alpha[index] = UInt8(a)
                guard a > 0 else { continue }
                for (channel, offset) in [(0, 2), (1, 1), (2, 0)] {
                    rgb[index * 3 + channel] = UInt8(min(255, (Int(pixel[offset]) * 255 + a / 2) / a))
                }
            }
        }
        return (columns, rows, rgb, alpha)
    }
}

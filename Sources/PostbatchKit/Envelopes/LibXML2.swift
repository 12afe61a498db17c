internal import CLibXML2

/// Process-wide libxml2 set-up, done once before the first writer or validator.
///
/// `xmlInitParser()` must run once before libxml2 is used from several threads. The
/// external entity loader is replaced by libxml2's own `xmlNoNetExternalEntityLoader`, so
/// that neither an XSD `import`/`include` nor a document can make the process open an
/// `http://` or `ftp://` URL: postbatch needs no network for XML. Lazy initialisation of a
/// global `let` is thread-safe in Swift, so this runs exactly once.
enum LibXML2 {
    private static let initialised: Bool = {
        xmlInitParser()
        xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader)
        return true
    }()

    /// Runs the one-time set-up if it has not run yet.
    static func initialise() {
        _ = initialised
    }
}

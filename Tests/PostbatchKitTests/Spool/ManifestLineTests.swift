import Foundation
import Testing
@testable import PostbatchKit

@Suite("manifest lines")
struct ManifestLineTests {
    let uuid = "0f8e3a52-6c1d-4b7e-9a10-2b3c4d5e6f70"
    let sha = String(repeating: "ab", count: 32)

    @Test("a loose envelope's and a container's line: columns, location, container or not")
    func valid() throws {
        let loose = try ManifestLine("\(uuid),3,digital,2021-10-06,da,4821,\(sha),digital/2021-10-06/0001/\(uuid).xml")
        #expect(loose.uuid == uuid && loose.group == LetterGroup(rawValue: 3) && loose.channel == .digital && loose.language == .da)
        #expect(loose.date.iso == "2021-10-06" && loose.bytes == 4821 && loose.digest == Digest(hex: sha[...]))
        #expect(loose.location == "digital/2021-10-06/0001" && !loose.isInContainer)
        let packed = try ManifestLine("\(uuid),5,print,2021-10-07,en,10,\(sha),print/2021-10-07/0002.tar.lzma")
        #expect(packed.location == "print/2021-10-07/0002.tar.lzma" && packed.isInContainer)
    }

    @Test("the first wrong column is named, with what it must hold", arguments: [
        ("1,2,3", nil as String?),
        ("0F8E3A52-6C1D-4B7E-9A10-2B3C4D5E6F70,3,digital,2021-10-06,da,1,SHA,digital/2021-10-06/0001.tar.lzma", "uuid"),
        ("UUID,6,digital,2021-10-06,da,1,SHA,digital/2021-10-06/0001.tar.lzma", "group"),
        ("UUID,3,email,2021-10-06,da,1,SHA,digital/2021-10-06/0001.tar.lzma", "channel"),
        ("UUID,3,digital,2021-13-06,da,1,SHA,digital/2021-13-06/0001.tar.lzma", "date"),
        ("UUID,3,digital,2021-10-06,de,1,SHA,digital/2021-10-06/0001.tar.lzma", "language"),
        ("UUID,3,digital,2021-10-06,da,-1,SHA,digital/2021-10-06/0001.tar.lzma", "bytes"),
        ("UUID,3,digital,2021-10-06,da,1,abc,digital/2021-10-06/0001.tar.lzma", "sha256"),
        ("UUID,3,digital,2021-10-06,da,1,SHA,print/2021-10-06/0001.tar.lzma", "file"),
        ("UUID,3,digital,2021-10-06,da,1,SHA,digital/2021-10-06/../0001.tar.lzma", "file"),
        ("UUID,3,digital,2021-10-06,da,1,SHA,digital/2021-10-06/0001/other.xml", "file"),
    ])
    func invalid(line: String, field: String?) {
        let text = line.replacingOccurrences(of: "UUID", with: uuid).replacingOccurrences(of: "SHA", with: sha)
        #expect {
            _ = try ManifestLine(text[...])
        } throws: { error in
            guard let failure = error as? ManifestLine.Failure else { return false }
            return failure.field == field && !failure.expected.isEmpty
        }
    }

    @Test("lines and columns are split by bytes: empty fields kept, other scripts whole")
    func split() {
        #expect(ManifestLine.split("a,,b,", at: ",") == ["a", "", "b", ""])
        #expect(ManifestLine.split("", at: ",") == [""])
        #expect(ManifestLine.split("Ærø,Łódź,王小明", at: ",") == ["Ærø", "Łódź", "王小明"])
        // A line end of \r\n is one character but two bytes: the \r stays, and the line fails its check.
        #expect(ManifestLine.split("x\r\ny\n", at: "\n") == ["x\r", "y", ""])
    }
}

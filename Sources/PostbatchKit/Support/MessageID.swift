internal import Crypto

/// A v4-shaped UUID derived deterministically from the campaign and the person.
///
/// The same campaign and CPR number always give the same identifier, so a re-run names the
/// same letter the same way (SPEC §3). The identifier is the first 16 bytes of
/// SHA-256(`"postbatch/<domain>/v1"`, 0, campaign id, 0, the 10 CPR digits), with the
/// version nibble set to 4 and the variant bits to `10`: it matches MeMo's
/// `memoUuidType` pattern and fjernprint's lower-case UUID pattern.
///
/// ```swift
/// let id = MessageID.derive(campaignID: "nemid-mitid-2021", cpr: cpr)
/// id.description   // "3f1c…-…-4…-[89ab]…-…", lower-case
/// ```
///
/// The identifier is a pseudonym, not an encryption: CPR numbers are few enough that
/// someone who knows the campaign id could search for the number behind one. It may name
/// spool files (SPEC §3 does), but it is no substitute for keeping the spool private.
package struct MessageID: Hashable, Sendable, CustomStringConvertible {
    /// What the identifier names. Each purpose has its own hash domain, so the identifiers
    /// of one person never coincide.
    package enum Purpose: String, Sendable, CaseIterable {
        /// The MeMo `messageUUID` of a digital letter.
        case digitalMessage = "memo-message"
        /// The fjernprint `AfsendelseIdentifikator` of a paper letter.
        case paperShipment = "fjernprint-shipment"
        /// The fjernprint `DokumentParametre/UUIDIdentifikator` of a paper letter's document.
        case paperDocument = "fjernprint-document"
        /// The reference printed in the letter and sent as the MeMo `messageID`.
        case supportReference = "support-reference"
    }

    /// The 16 bytes, version and variant bits already set.
    package let bytes: [UInt8]

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The identifier of one person's letter in one campaign.
    ///
    /// - Parameters:
    ///   - campaignID: the campaign's stable id (``Campaign/id``).
    ///   - cpr: the recipient.
    ///   - purpose: what the identifier names; the default is the MeMo messageUUID.
    /// - Returns: the same value for the same three inputs, on every run and machine.
    package static func derive(campaignID: String, cpr: CPR, for purpose: Purpose = .digitalMessage) -> MessageID {
        // One buffer hashed at once: this runs three or four times per letter.
        var input: [UInt8] = []
        input.reserveCapacity(48 + campaignID.utf8.count)
        input += "postbatch/".utf8
        input += purpose.rawValue.utf8
        input += "/v1".utf8
        input.append(0)
        input += campaignID.utf8
        input.append(0)
        input += cpr.unmaskedDigits.utf8
        var bytes = Array(SHA256.hash(data: input).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return MessageID(bytes: bytes)
    }

    /// The letter's reference, for people: 12 characters of Crockford's base32 in groups of
    /// four, `7KQ4-M2XD-9PF3`.
    ///
    /// Printed under the letter's date and sent as the MeMo `messageID`, so a citizen can read
    /// it out and support staff can find the letter. Derived like the UUIDs (its own hash
    /// domain), so a re-run gives the same reference. 60 bits: no two of a campaign's letters
    /// share one in practice. Crockford's alphabet has no I, L, O or U, so it is read aloud
    /// without mistakes.
    public static func supportReference(campaignID: String, cpr: CPR) -> String {
        let bytes = derive(campaignID: campaignID, cpr: cpr, for: .supportReference).bytes
        var bits: UInt64 = 0
        for byte in bytes.prefix(8) { bits = bits << 8 | UInt64(byte) }
        var text: [UInt8] = []
        text.reserveCapacity(14)
        for index in 0..<12 {
            if index > 0 && index % 4 == 0 { text.append(UInt8(ascii: "-")) }
            text.append(crockford[Int((bits >> UInt64(59 - 5 * index)) & 0x1F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Crockford's base32 digits.
    private static let crockford = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// Lower-case `8-4-4-4-12` hex: `0d4a3b2c-1e5f-4a6b-8c7d-9e0f1a2b3c4d`.
    package var description: String {
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            Hex.append(byte, to: &text)
        }
        return String(decoding: text, as: UTF8.self)
    }
}

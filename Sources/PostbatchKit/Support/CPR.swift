/// A Danish personal identification number (CPR number), always shown masked.
///
/// A CPR number is personal data. Its ``description`` and ``debugDescription``
/// both return the masked form `DDMMYY-XXXX`, so interpolating a `CPR` into a log
/// message, an error or a report can never leak the full number. Only envelope
/// writers, where the recipient must be named, read ``unmaskedDigits``.
///
/// ```swift
/// let cpr = try CPR.parse(Array("070707-7077".utf8)).get()
/// print(cpr)              // 070707-XXXX
/// cpr.unmaskedDigits      // "0707077077", for envelopes only
/// ```
public struct CPR: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The ten digits as one number, `0707077077` for `070707-7077`.
    ///
    /// Ten decimal digits fit in 34 bits, so this is also the 64-bit key that
    /// duplicate detection stores.
    package let key: UInt64

    package init(key: UInt64) {
        self.key = key
    }

    /// Why a CPR field could not be read as a CPR number.
    package enum ParseFailure: Error, Equatable, Sendable {
        /// Not 10 digits with at most one `-` after the sixth.
        case notTenDigits(found: Int)
        /// Ten digits, but DDMMYY with the century digit names no real date.
        case noSuchDate(masked: String)
    }

    /// Reads a trimmed CPR field: 10 digits, with one optional `-` after the 6th.
    ///
    /// - Returns: the number, or why it is not one. A failing modulus-11 check is
    ///   not a failure (numbers issued since 2007 may fail it): see ``passesModulus11``.
    package static func parse(_ bytes: some Collection<UInt8>) -> Result<CPR, ParseFailure> {
        var value: UInt64 = 0
        var digits = 0
        var index = 0
        var wellFormed = true
        for byte in bytes {
            if byte >= 0x30 && byte <= 0x39 {
                value = value &* 10 &+ UInt64(byte &- 0x30)
                digits += 1
            } else if byte == UInt8(ascii: "-") && index == 6 && digits == 6 {
                // the one optional hyphen after DDMMYY
            } else {
                wellFormed = false
            }
            index += 1
        }
        guard wellFormed, digits == 10 else {
            return .failure(.notTenDigits(found: digits))
        }
        let cpr = CPR(key: value)
        guard cpr.birthDate != nil else {
            return .failure(.noSuchDate(masked: cpr.masked))
        }
        return .success(cpr)
    }

    /// The date of birth that digits 1–7 encode, or `nil` if no such day exists.
    ///
    /// Digit 7 with YY gives the century: 0–3 → 19YY; 4 or 9 → 20YY if YY ≤ 36,
    /// else 19YY; 5–8 → 20YY if YY ≤ 57, else 18YY.
    public var birthDate: CalendarDate? {
        let ddmmyy = Int(key / 10_000)
        let seventh = Int(key / 1_000 % 10)
        let day = ddmmyy / 10_000
        let month = ddmmyy / 100 % 100
        let yy = ddmmyy % 100
        let century: Int
        switch seventh {
        case 0...3: century = 1900
        case 4, 9: century = yy <= 36 ? 2000 : 1900
        default: century = yy <= 57 ? 2000 : 1800
        }
        return CalendarDate(year: century + yy, month: month, day: day)
    }

    /// Whether the number passes the modulus-11 check (weights 4 3 2 7 6 5 4 3 2 1).
    ///
    /// Failing it is not an error: it is counted as the warning `cpr_no_mod11`.
    public var passesModulus11: Bool {
        // Weights from the last digit to the first.
        var weights: UInt64 = 0x4_3_2_7_6_5_4_3_2_1   // one hex nibble per weight, first digit highest
        var value = key
        var sum: UInt64 = 0
        for _ in 0..<10 {
            sum &+= (value % 10) &* (weights & 0xF)
            value /= 10
            weights >>= 4
        }
        return sum % 11 == 0
    }

    /// The ten digits, zero-padded. For envelope writers only.
    ///
    /// Never log, print or put this in a file name: use ``description``.
    public var unmaskedDigits: String {
        DecimalText.padded(key, width: 10)
    }

    /// `DDMMYY-XXXX`: the date part, the rest hidden.
    public var masked: String {
        String(unmaskedDigits.prefix(6)) + "-XXXX"
    }

    // MARK: - CustomStringConvertible

    public var description: String { masked }

    /// Masked too: `DDMMYY-XXXX`.
    public var debugDescription: String { masked }
}

/// A settings value that is one of a fixed set of words. Decoding any other word is an error
/// that lists the allowed ones (`engine: expected one of int8, fp32, found 'int4'`), as every
/// other settings error does, instead of Swift's default "Cannot initialize ... from invalid String value".
public protocol SettingsChoice: RawRepresentable, CaseIterable, Decodable where RawValue == String {}

extension SettingsChoice {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(rawValue: text) else {
            let allowed = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected one of \(allowed), found '\(text)'")
        }
        self = value
    }
}

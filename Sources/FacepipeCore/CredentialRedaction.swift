import Foundation

/// Removes credentials from text that may quote a URL (FFmpeg's log lines, error messages):
/// `scheme://user:secret@host` becomes `scheme://host`, and the passwords of known URLs are
/// masked wherever else they appear (an RTSP log line may quote one without its URL).
public struct CredentialRedaction: Sendable, Hashable {
    /// Passwords (and user:password pairs) to mask wherever they appear.
    private(set) var secrets: [String] = []

    public init(urls: [String] = []) {
        for url in urls { remember(url) }
    }

    /// Learns the credentials of `url`, if it has any.
    mutating func remember(_ url: String) {
        guard let userInfo = Self.userInfo(in: url) else { return }
        var found = [userInfo]
        if let colon = userInfo.firstIndex(of: ":") {
            let password = String(userInfo[userInfo.index(after: colon)...])
            found.append(password)
            if let decoded = password.removingPercentEncodingIfAny, decoded != password { found.append(decoded) }
        }
        // Very short secrets would mask ordinary words; their URL form is still removed.
        for secret in found where secret.count >= 3 && !secrets.contains(secret) { secrets.append(secret) }
        secrets.sort { $0.count > $1.count }  // longest first: "user:pw" before "pw"
    }

    public func redact(_ text: String) -> String {
        var result = Self.removeUserInfo(text)
        for secret in secrets where result.contains(secret) {
            result = result.replacingAll(secret, with: "***")
        }
        return result
    }

    /// "rtsp://u:p@h/x" -> "u:p"; nil without credentials.
    static func userInfo(in url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return nil }
        return String(rest[..<at])
    }

    /// Every `scheme://userinfo@` in `text` loses its userinfo.
    static func removeUserInfo(_ text: String) -> String {
        guard text.contains("://") else { return text }
        var output = ""
        var rest = Substring(text)
        while let marker = rest.range(of: "://") {
            output += rest[..<marker.upperBound]
            let after = rest[marker.upperBound...]
            let authorityEnd = after.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" || $0 == " " || $0 == "'"
                                                         || $0 == "\"" || $0 == "\n" }) ?? after.endIndex
            if let at = after[..<authorityEnd].lastIndex(of: "@") {
                rest = after[after.index(after: at)...]
            } else {
                rest = after
            }
        }
        return output + rest
    }
}

private extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var output = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            output += rest[..<range.lowerBound]
            output += replacement
            rest = rest[range.upperBound...]
        }
        return output + rest
    }

    /// Percent-decoding without Foundation; nil when there is nothing (valid) to decode.
    var removingPercentEncodingIfAny: String? {
        guard contains("%") else { return nil }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

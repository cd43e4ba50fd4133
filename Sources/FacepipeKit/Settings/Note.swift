import FacepipeCore

/// Everything facepipe prints besides events and reports goes to stderr, so stdout stays a
/// clean stream.
public func note(_ text: String) {
    Stderr.write(text + "\n")
}

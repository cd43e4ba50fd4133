/// A request that cannot be carried out as asked (no input given, an unreadable picture, a
/// settings count out of range): the caller's mistake, not a failure of the run. The command
/// line reports it as a bad command line (exit status 64), as it always has.
public struct BadRequest: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

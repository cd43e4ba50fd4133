import ArgumentParser
import FacepipeKit

/// `facepipe detect`'s command line: the pictures, the detector to run on them, how to print.
public struct DetectOptions: ParsableArguments {
    @Argument(help: "Pictures to read.")
    public var pictures: [String]

    @OptionGroup public var modelOptions: ModelOptions

    @Flag(help: "Print one JSON object per picture instead of a table.")
    public var json = false

    @Option(help: "Write the (first) picture with the boxes drawn, as PNG.")
    public var draw: String?

    public init() {}
}

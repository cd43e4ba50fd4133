#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import FacepipeCore
import Foundation
@testable import Output
import TestSupport
import Testing

@Suite struct JSONLEventWriterTests {
    private let start = FaceEvent(kind: .trackStart, time: 1.234, frame: 37, track: 5,
                                  box: Box(x: 10.54, y: 20, width: 30.25, height: 40.0), score: 0.97)
    private let face = FaceEvent(kind: .face, time: 1.2679999, frame: 38, track: 5,
                                 box: Box(x: -3.06, y: 0.04, width: 31, height: 40.96), score: 0.95, matched: false)
    private let end = FaceEvent(kind: .trackEnd, time: 3.5, frame: 105, track: 5, box: Box(x: 1, y: 2, width: 3, height: 4),
                                score: 0.9, summary: .init(firstTime: 1.234, lastTime: 3.4, firstFrame: 37, lastFrame: 102,
                                                           hits: 60, bestScore: 0.99, bestBox: Box(x: 11, y: 21, width: 30, height: 41),
                                                           reason: .lost))

    private func lines(of file: URL) throws -> [String] {
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.isEmpty || text.hasSuffix("\n"), "the file must end on a complete line")
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    private func object(_ line: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func writesTheSchemaWithFixedKeyOrderAndCompactNumbers() throws {
        let file = try TestPaths.scratch("jsonl-schema").appendingPathComponent("events.jsonl")
        let writer = try JSONLEventWriter(path: file.path)
        for event in [start, face, end] { try writer.emit(event) }
        try writer.finish()
        #expect(try lines(of: file) == [
            #"{"v":1,"event":"track_start","t":1.234,"frame":37,"track":5,"box":[10.5,20,30.3,40],"score":0.97}"#,
            #"{"v":1,"event":"face","t":1.268,"frame":38,"track":5,"box":[-3.1,0,31,41],"score":0.95,"matched":false}"#,
            #"{"v":1,"event":"track_end","t":3.5,"frame":105,"track":5,"reason":"lost","first_t":1.234,"last_t":3.4,"#
                + #""duration":2.166,"first_frame":37,"last_frame":102,"hits":60,"best_score":0.99,"best_box":[11,21,30,41]}"#,
        ])
    }

    @Test func everyLineParsesAndRoundTripsItsValues() throws {
        let file = try TestPaths.scratch("jsonl-roundtrip").appendingPathComponent("events.jsonl")
        let writer = try JSONLEventWriter(path: file.path, policy: .init(maxLines: 7))
        var events: [FaceEvent] = []
        var generator = SplitMix64(seed: 2024)
        for i in 0..<500 {
            let box = Box(x: .random(in: -50...2000, using: &generator), y: .random(in: -50...2000, using: &generator),
                          width: .random(in: 0...900, using: &generator), height: .random(in: 0...900, using: &generator))
            let time = Double(i) * 0.0333667 + .random(in: 0...1e-3, using: &generator)
            let kind: FaceEvent.Kind = [.trackStart, .face, .trackEnd][i % 3]
            let summary = kind == .trackEnd ? FaceEvent.Summary(
                firstTime: time / 2, lastTime: time, firstFrame: i / 2, lastFrame: i, hits: i / 3,
                bestScore: .random(in: 0...1, using: &generator), bestBox: box, reason: [.lost, .endOfStream, .sceneCut][(i / 3) % 3]) : nil
            events.append(FaceEvent(kind: kind, time: time, frame: i, track: i / 7, box: box,
                                    score: .random(in: 0...1, using: &generator), matched: i % 5 != 0, summary: summary))
        }
        for event in events { try writer.emit(event) }
        try writer.finish()

        let written = try lines(of: file)
        #expect(written.count == events.count)
        for (line, event) in zip(written, events) {
            let json = try object(line)
            #expect(json["v"] as? Int == 1)
            #expect(json["event"] as? String == event.kind.rawValue)
            #expect(abs((json["t"] as? Double ?? .nan) - event.time) <= 5e-7)
            #expect(json["frame"] as? Int == event.frame && json["track"] as? Int == event.track)
            let box = (event.summary?.bestBox ?? event.box)
            let written = try #require((json[event.summary == nil ? "box" : "best_box"] as? [Double]))
            for (value, expected) in zip(written, [box.x, box.y, box.width, box.height]) {
                #expect(abs(value - Double(expected)) <= 0.05 + 1e-9)
            }
            if let summary = event.summary {
                #expect(json["reason"] as? String == summary.reason.rawValue)
                #expect(abs((json["first_t"] as? Double ?? .nan) - summary.firstTime) <= 5e-7)
                #expect(abs((json["duration"] as? Double ?? .nan) - summary.duration) <= 5e-7)
                #expect(json["hits"] as? Int == summary.hits && json["last_frame"] as? Int == summary.lastFrame)
                #expect(abs((json["best_score"] as? Double ?? .nan) - Double(summary.bestScore)) <= 5e-5)
            } else {
                #expect(abs((json["score"] as? Double ?? .nan) - Double(event.score)) <= 5e-5)
                #expect(json["matched"] as? Bool == (event.kind == .face ? event.matched : nil))
            }
        }
    }

    @Test func nonFiniteAndHugeNumbersStayValidJSON() throws {
        let file = try TestPaths.scratch("jsonl-nonfinite").appendingPathComponent("events.jsonl")
        let writer = try JSONLEventWriter(path: file.path)
        try writer.emit(FaceEvent(kind: .face, time: .nan, frame: -1, track: Int.max,
                                  box: Box(x: .infinity, y: -.infinity, width: 1e30, height: -0.01), score: .nan))
        try writer.finish()
        let line = try #require(try lines(of: file).first)
        #expect(line == #"{"v":1,"event":"face","t":null,"frame":-1,"track":9223372036854775807,"box":[null,null,null,0],"score":null,"matched":true}"#)
        #expect(try object(line)["t"] is NSNull)
    }

    @Test func onlyCompleteLinesReachTheFileBeforeFinish() throws {
        let file = try TestPaths.scratch("jsonl-batches").appendingPathComponent("events.jsonl")
        let writer = try JSONLEventWriter(path: file.path, policy: .init(maxLines: 10, maxDelayMilliseconds: 60_000))
        for _ in 0..<25 { try writer.emit(face) }
        // What a kill at this moment would leave: the two full batches, nothing partial.
        #expect(try lines(of: file).count == 20)
        try writer.flush()
        #expect(try lines(of: file).count == 25)
        for line in try lines(of: file) { _ = try object(line) }
        try writer.finish()
        try writer.finish()
        #expect(throws: OutputError.self) { try writer.emit(face) }
    }

    @Test func aKilledWriterLeavesOnlyCompleteLines() throws {
        let file = try TestPaths.scratch("jsonl-kill").appendingPathComponent("events.jsonl")
        let writer = try JSONLEventWriter(path: file.path, policy: .init(maxLines: 10, maxDelayMilliseconds: 60_000))
        let events = [start, face, end]
        let child = fork()
        if child == 0 {
            // The child writes 25 events, then dies without finish(); it only formats into the
            // preallocated buffer and calls write(2), which are safe after fork.
            for i in 0..<25 { try? writer.emit(events[i % 3]) }
            kill(getpid(), SIGKILL)
        }
        #expect(child > 0)
        var status: Int32 = 0
        #expect(waitpid(child, &status, 0) == child)
        #expect(status & 0x7f == SIGKILL, "the child was killed, not ended")
        let written = try lines(of: file)
        #expect(written.count == 20)
        for line in written { _ = try object(line) }
    }

    @Test func aQuietStreamIsFlushedAfterTheDelay() throws {
        let file = try TestPaths.scratch("jsonl-delay").appendingPathComponent("events.jsonl")
        let writer = try JSONLEventWriter(path: file.path, policy: .init(maxLines: 1000, maxDelayMilliseconds: 20))
        try writer.emit(start)
        #expect(try lines(of: file).isEmpty)
        usleep(30_000)
        try writer.emit(face)
        #expect(try lines(of: file).count == 2)
        try writer.finish()
    }

    @Test func aReaderThatGoesAwayIsAClearErrorNotACrash() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        close(ends[0])
        let writer = JSONLEventWriter(fileDescriptor: ends[1], name: "stdout", closeOnFinish: true, policy: .init(maxLines: 1))
        let error = #expect(throws: OutputError.self) { try writer.emit(start) }
        #expect(error?.description == "the reader of the face events on stdout went away (broken pipe); no more events can be delivered")
        #expect(throws: OutputError.self) { try writer.emit(face) }
        #expect(throws: OutputError.self) { try writer.finish() }
        try writer.finish()
    }

    @Test func unwritableDestinationsNameThePathAndReason() throws {
        let missing = try TestPaths.scratch("jsonl-errors").appendingPathComponent("no/such/dir/events.jsonl").path
        let opening = #expect(throws: OutputError.self) { try JSONLEventWriter(path: missing) }
        #expect(opening?.description == "cannot write face events to '\(missing)': No such file or directory")

        let full = try JSONLEventWriter(path: "/dev/full")
        try full.emit(start)
        let flushing = #expect(throws: OutputError.self) { try full.flush() }
        #expect(flushing?.description == "cannot write face events to '/dev/full': No space left on device")
    }
}



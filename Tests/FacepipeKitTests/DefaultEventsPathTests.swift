import Testing
@testable import FacepipeKit

/// Where `facepipe run` writes events when --events is not given.
@Suite struct DefaultEventsPathTests {
    @Test(arguments: [
        ("out/clip.mp4", "out/clip.jsonl"),
        ("/abs/out/clip.v2.mkv", "/abs/out/clip.v2.jsonl"),
        ("../up/clip", "../up/clip.jsonl"),            // no extension
        ("out/.hidden", "out/.hidden.jsonl"),          // a dotfile has no extension
        ("dir.d/clip", "dir.d/clip.jsonl"),            // a dot in the folder is not an extension
        ("file:out/clip.mp4", "out/clip.jsonl"),       // file: URLs are local files
        ("file:///abs/clip.ts", "/abs/clip.jsonl"),
    ])
    func besideAFileVideo(video: String, events: String) {
        #expect(FaceRun.defaultEvents("annotated.jsonl", beside: video) == events)
    }

    @Test func thePipelinesOwnDefaultOtherwise() {
        // A network URL, stdout, a device: nothing can be put beside them.
        for video in ["rtmp://host/live", "udp://239.0.0.1:1234", "-", "/dev/null"] {
            #expect(FaceRun.defaultEvents("annotated.jsonl", beside: video) == "annotated.jsonl", "\(video)")
        }
        #expect(FaceRun.defaultEvents("annotated.jsonl", beside: nil) == "annotated.jsonl", "no video output")
        #expect(FaceRun.defaultEvents("-", beside: "out/clip.mp4") == "-", "events on stdout stay on stdout")
        #expect(FaceRun.defaultEvents(nil, beside: "out/clip.mp4") == nil)
    }
}

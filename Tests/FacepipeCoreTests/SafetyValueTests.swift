import Testing
@testable import FacepipeCore

private enum Engine: String, SettingsChoice { case int8, fp32 }

private struct EngineSettings: Decodable {
    var engine: Engine
    enum CodingKeys: String, CodingKey { case engine }
}

@Suite struct SettingsChoiceTests {
    @Test func anUnknownWordListsTheAllowedOnes() throws {
        #expect(try StrictYAML.decode(EngineSettings.self, from: "engine: fp32", file: "engine.yaml").engine == .fp32)
        do {
            _ = try StrictYAML.decode(EngineSettings.self, from: "engine: int4", file: "Configs/engine.yaml")
            Issue.record("int4 must be refused")
        } catch {
            #expect("\(error)" == "Configs/engine.yaml: engine: expected one of int8, fp32, found 'int4'")
        }
    }
}

@Suite struct CredentialRedactionTests {
    @Test func urlCredentialsAreRemovedAndKnownSecretsMasked() {
        let redaction = CredentialRedaction(urls: ["rtsp://admin:s3cr%21t@camera:554/stream"])
        #expect(redaction.redact("[tcp @ 0x1] Connection to tcp://admin:s3cr%21t@camera:554 failed")
                == "[tcp @ 0x1] Connection to tcp://camera:554 failed")
        // A password quoted without its URL (decoded or not) is masked too.
        #expect(redaction.redact("auth failed for admin:s3cr%21t") == "auth failed for ***")
        #expect(redaction.redact("password 's3cr!t' refused") == "password '***' refused")
        #expect(redaction.redact("Opening 'http://u:p@h/x' and rtmp://a:b@c/d") == "Opening 'http://h/x' and rtmp://c/d")
        #expect(CredentialRedaction().redact("no url here") == "no url here")
    }
}

@Suite struct BoxClippingTests {
    @Test func boxesAreCutToTheFrame() {
        let frame = (width: Float(640), height: Float(360))
        #expect(Box(x: -10, y: 5, width: 30, height: 20).clipped(toWidth: frame.width, height: frame.height)
                == Box(x: 0, y: 5, width: 20, height: 20))
        #expect(Box(x: 600, y: 350, width: 100, height: 40).clipped(toWidth: frame.width, height: frame.height)
                == Box(x: 600, y: 350, width: 40, height: 10))
        #expect(Box(x: 700, y: 10, width: 20, height: 20).clipped(toWidth: frame.width, height: frame.height)
                == Box(x: 640, y: 10, width: 0, height: 20))
        let inside = Box(x: 1, y: 2, width: 3, height: 4)
        #expect(inside.clipped(toWidth: frame.width, height: frame.height) == inside)
    }
}

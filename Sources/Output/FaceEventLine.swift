import FacepipeCore

/// Formats one `FaceEvent` as a line of JSON (schema v1) with a fixed key order:
/// boxes to 0.1 px, scores to 4 decimals, times to microseconds. Hand-written so that
/// formatting allocates nothing; the README documents the schema.
extension LineBuffer {
    mutating func appendLine(for event: FaceEvent) {
        append("{\"v\":")
        append(FaceEvent.schemaVersion)
        append(",\"event\":\"")
        switch event.kind {
        case .trackStart: append("track_start")
        case .face: append("face")
        case .trackEnd: append("track_end")
        }
        append("\",\"t\":")
        append(event.time, places: 6)
        append(",\"frame\":")
        append(event.frame)
        append(",\"track\":")
        append(event.track)
        if event.kind == .trackEnd, let summary = event.summary {
            appendSummary(summary)
        } else {
            // track_start and face; also a track_end that lost its summary (keeps the line useful).
            append(",\"box\":")
            append(event.box)
            append(",\"score\":")
            append(Double(event.score), places: 4)
            if event.kind == .face {
                append(",\"matched\":")
                append(event.matched)
            }
        }
        append("}\n")
    }

    private mutating func appendSummary(_ summary: FaceEvent.Summary) {
        append(",\"reason\":\"")
        switch summary.reason {
        case .lost: append("lost")
        case .endOfStream: append("end_of_stream")
        case .sceneCut: append("scene_cut")
        }
        append("\",\"first_t\":")
        append(summary.firstTime, places: 6)
        append(",\"last_t\":")
        append(summary.lastTime, places: 6)
        append(",\"duration\":")
        append(summary.duration, places: 6)
        append(",\"first_frame\":")
        append(summary.firstFrame)
        append(",\"last_frame\":")
        append(summary.lastFrame)
        append(",\"hits\":")
        append(summary.hits)
        append(",\"best_score\":")
        append(Double(summary.bestScore), places: 4)
        append(",\"best_box\":")
        append(summary.bestBox)
    }

    private mutating func append(_ box: Box) {
        append(UInt8(ascii: "["))
        append(Double(box.x), places: 1)
        append(UInt8(ascii: ","))
        append(Double(box.y), places: 1)
        append(UInt8(ascii: ","))
        append(Double(box.width), places: 1)
        append(UInt8(ascii: ","))
        append(Double(box.height), places: 1)
        append(UInt8(ascii: "]"))
    }
}

#ifndef FACEPIPE_CFFMPEG_SHIM_H
#define FACEPIPE_CFFMPEG_SHIM_H
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/error.h>

// FFmpeg's function-like macros do not import into Swift; these wrap them.
static inline int fp_averror(int e) { return AVERROR(e); }
static inline int fp_averror_eof(void) { return AVERROR_EOF; }
static inline int64_t fp_av_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline AVRational fp_av_time_base_q(void) { return AV_TIME_BASE_Q; }
static inline const char *fp_av_err2str(int err, char *buf, size_t size) {
    return av_make_error_string(buf, size, err);
}
static inline int fp_averror_exit(void) { return AVERROR_EXIT; }
static inline int fp_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
// AVFrame's data/linesize are fixed-size C arrays that import as tuples; these hand
// them to swscale as plain pointers without copying.
static inline const uint8_t *const *fp_frame_data(const AVFrame *frame) {
    return (const uint8_t *const *)frame->data;
}
static inline const int *fp_frame_linesize(const AVFrame *frame) { return frame->linesize; }
#endif

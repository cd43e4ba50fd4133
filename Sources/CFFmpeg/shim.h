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
#include <libavutil/display.h>

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
// Writable plane pointers of an AVFrame (sws_scale destinations), without tuple juggling.
static inline uint8_t *const *fp_frame_planes(AVFrame *frame) { return frame->data; }
// FFmpeg's log callback takes a va_list, which Swift cannot receive on Linux: this trampoline
// formats the line in C and hands the finished text to a plain C-callable sink (facepipe's router).
#include <stdarg.h>
static void (*fp_log_sink)(int level, const char *line) = 0;
static inline void fp_log_trampoline(void *avcl, int level, const char *fmt, va_list vl) {
    if (level > av_log_get_level() || !fp_log_sink) return;
    char line[2048];
    int print_prefix = 1;
    if (av_log_format_line2(avcl, level, fmt, vl, line, (int)sizeof line, &print_prefix) < 0) return;
    fp_log_sink(level, line);
}
static inline void fp_log_route(void (*sink)(int level, const char *line)) {
    fp_log_sink = sink;
    av_log_set_callback(fp_log_trampoline);
}
#endif

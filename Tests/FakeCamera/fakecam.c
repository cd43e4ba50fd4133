/*
 * facepipe fake camera: a libv4l2 plugin that turns a small text file into a V4L2 capture
 * device, so V4L2Source can be tested on machines without /dev/video* (no kernel modules).
 *
 * libv4l2 offers every fd it opens to each plugin in its plugins folder. This one claims the
 * fd when the opened file is a regular file whose first line is MAGIC, then answers the
 * capture ioctls and read() from raw or JPEG frame files made by the ffmpeg CLI at test time.
 *
 * Description file (one "key value" per line after the magic line):
 *   format YUYV|NV12|RGB3|MJPG   pixel format served (the only one the camera has)
 *   size W H                     the only frame size
 *   fps N                        highest frame rate; S_PARM may lower it, DQBUF/read pace to it
 *   frames PATH                  raw formats: all frames back to back; MJPG: printf pattern of
 *                                one JPEG per frame, numbered from 1 (ffmpeg's image2 naming)
 *   count N                      MJPG only: how many JPEG files (raw: from the file size)
 *   io both|mmap|read            which I/O the camera offers (default both)
 *   caps capture|output          output makes it a V4L2 device that cannot capture
 *   vanish_after N               after N frames DQBUF/read fail with ENODEV (unplugged)
 *   stall_after N                after N frames no more arrive: DQBUF/read answer EAGAIN
 *
 * Buffers: libv4l2 maps buffers by calling mmap() on the real fd, here the description file.
 * So buffer i lives at BUFFER_BASE + i * stride inside that file (the file is grown sparse),
 * and DQBUF writes the frame there with pwrite(); the caller's MAP_SHARED mapping sees it
 * through the page cache. Frames loop forever like a real camera's.
 *
 * Honest limits: poll() on a regular file is always ready, so DQBUF and read() sleep until the
 * next frame is due instead of returning EAGAIN; one open file at a time may own buffers
 * (others get EBUSY, as a real driver's queue would answer).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <linux/videodev2.h>
#include <libv4l-plugin.h>

#define MAGIC "facepipe-fake-camera 1\n"
#define MAX_BUFFERS 8
#define BUFFER_BASE (1 << 20) /* description text must fit below this */

struct fakecam {
    int fd;
    char path[PATH_MAX];
    uint32_t fourcc;
    unsigned width, height, max_fps, fps;
    char frames[PATH_MAX];
    unsigned count;
    int offers_read, offers_mmap, output_only;
    long vanish_after; /* -1: never */
    long stall_after;  /* -1: never */
    unsigned bytesperline, sizeimage;
    int raw_fd;
    unsigned char *scratch;

    unsigned nbufs;
    size_t stride;
    int owner;                 /* holds the flock that makes other opens busy */
    int queued[MAX_BUFFERS];
    unsigned queue[MAX_BUFFERS], qhead, qlen;
    struct v4l2_buffer bufs[MAX_BUFFERS];
    int streaming;

    uint64_t next_due_ns;
    uint32_t sequence;
    unsigned long delivered;
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int fail(int err)
{
    errno = err;
    return -1;
}

static int parse_line(struct fakecam *cam, char *line)
{
    char key[32], word[16];
    unsigned a, b;
    long n;
    if (sscanf(line, "%31s", key) != 1 || key[0] == '#')
        return 0;
    char *value = line + strlen(key);
    while (*value == ' ' || *value == '\t')
        value++;
    if (!strcmp(key, "format") && sscanf(value, "%15s", word) == 1 && strlen(word) == 4) {
        cam->fourcc = v4l2_fourcc(word[0], word[1], word[2], word[3]);
        return 0;
    }
    if (!strcmp(key, "size") && sscanf(value, "%u %u", &a, &b) == 2 && a && b) {
        cam->width = a;
        cam->height = b;
        return 0;
    }
    if (!strcmp(key, "fps") && sscanf(value, "%u", &a) == 1 && a) {
        cam->max_fps = cam->fps = a;
        return 0;
    }
    if (!strcmp(key, "frames") && *value && strlen(value) < sizeof cam->frames) {
        strcpy(cam->frames, value);
        return 0;
    }
    if (!strcmp(key, "count") && sscanf(value, "%u", &a) == 1 && a) {
        cam->count = a;
        return 0;
    }
    if (!strcmp(key, "io") && sscanf(value, "%15s", word) == 1) {
        cam->offers_read = !strcmp(word, "both") || !strcmp(word, "read");
        cam->offers_mmap = !strcmp(word, "both") || !strcmp(word, "mmap");
        return cam->offers_read || cam->offers_mmap ? 0 : -1;
    }
    if (!strcmp(key, "caps") && sscanf(value, "%15s", word) == 1) {
        cam->output_only = !strcmp(word, "output");
        return cam->output_only || !strcmp(word, "capture") ? 0 : -1;
    }
    if (!strcmp(key, "vanish_after") && sscanf(value, "%ld", &n) == 1 && n >= 0) {
        cam->vanish_after = n;
        return 0;
    }
    if (!strcmp(key, "stall_after") && sscanf(value, "%ld", &n) == 1 && n >= 0) {
        cam->stall_after = n;
        return 0;
    }
    return -1;
}

/* Checks the format and frame files and works out the buffer layout. */
static int setup_format(struct fakecam *cam)
{
    unsigned w = cam->width, h = cam->height;
    switch (cam->fourcc) {
    case V4L2_PIX_FMT_YUYV: cam->bytesperline = w * 2; cam->sizeimage = w * h * 2; break;
    case V4L2_PIX_FMT_RGB24: cam->bytesperline = w * 3; cam->sizeimage = w * h * 3; break;
    case V4L2_PIX_FMT_NV12:
        cam->bytesperline = w;
        cam->sizeimage = w * h + 2 * ((w + 1) / 2) * ((h + 1) / 2);
        break;
    case V4L2_PIX_FMT_MJPEG: {
        /* Like UVC: room for an uncompressed 4:2:2 picture, or the largest JPEG if bigger. */
        cam->bytesperline = 0;
        cam->sizeimage = w * h * 2;
        for (unsigned i = 1; i <= cam->count; i++) {
            char name[PATH_MAX];
            struct stat st;
            snprintf(name, sizeof name, cam->frames, i);
            if (stat(name, &st) || st.st_size <= 0)
                return -1;
            if ((unsigned long)st.st_size > cam->sizeimage)
                cam->sizeimage = (unsigned)st.st_size;
        }
        return cam->count ? 0 : -1;
    }
    default: return -1;
    }
    struct stat st;
    cam->raw_fd = open(cam->frames, O_RDONLY | O_CLOEXEC);
    if (cam->raw_fd < 0 || fstat(cam->raw_fd, &st) || st.st_size < cam->sizeimage ||
        st.st_size % cam->sizeimage)
        return -1;
    cam->count = (unsigned)(st.st_size / cam->sizeimage);
    return 0;
}

static void *fakecam_init(int fd)
{
    struct stat st;
    char text[4096];
    if (fstat(fd, &st) || !S_ISREG(st.st_mode))
        return NULL;
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    if (n < (ssize_t)strlen(MAGIC) || memcmp(text, MAGIC, strlen(MAGIC)))
        return NULL;
    text[n] = 0;

    struct fakecam *cam = calloc(1, sizeof *cam);
    if (!cam)
        return NULL;
    cam->fd = fd;
    cam->raw_fd = -1;
    cam->offers_read = cam->offers_mmap = 1;
    cam->vanish_after = cam->stall_after = -1;
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t plen = readlink(link, cam->path, sizeof cam->path - 1);
    cam->path[plen > 0 ? plen : 0] = 0;

    int bad = 0;
    char *save = NULL;
    for (char *line = strtok_r(text + strlen(MAGIC), "\n", &save); line && !bad;
         line = strtok_r(NULL, "\n", &save)) {
        if (parse_line(cam, line)) {
            fprintf(stderr, "facepipe-fakecam: %s: bad line \"%s\"\n", cam->path, line);
            bad = 1;
        }
    }
    if (!bad && (!cam->fourcc || !cam->width || !cam->max_fps || !cam->frames[0] ||
                 setup_format(cam))) {
        fprintf(stderr, "facepipe-fakecam: %s: incomplete description or unreadable frames\n",
                cam->path);
        bad = 1;
    }
    if (!bad)
        cam->scratch = malloc(cam->sizeimage);
    if (bad || !cam->scratch) {
        if (cam->raw_fd >= 0)
            close(cam->raw_fd);
        free(cam);
        return NULL;
    }
    return cam;
}

static void fakecam_close(void *priv)
{
    struct fakecam *cam = priv;
    if (cam->raw_fd >= 0)
        close(cam->raw_fd);
    free(cam->scratch);
    free(cam);
}

/* Waits until the next frame is due, then loads it into scratch. Returns its size. */
static ssize_t next_frame(struct fakecam *cam, struct timeval *stamp)
{
    if (cam->stall_after >= 0 && cam->delivered >= (unsigned long)cam->stall_after) {
        /* poll() cannot block on a regular file: nap so a waiting caller does not spin hard. */
        struct timespec nap = { 0, 10 * 1000 * 1000 };
        nanosleep(&nap, NULL);
        return fail(EAGAIN);
    }
    uint64_t now = now_ns();
    if (cam->next_due_ns > now) {
        struct timespec due = { (time_t)(cam->next_due_ns / 1000000000u),
                                (long)(cam->next_due_ns % 1000000000u) };
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR) {}
        now = cam->next_due_ns;
    }
    cam->next_due_ns = now + 1000000000u / cam->fps;
    if (cam->vanish_after >= 0 && cam->delivered >= (unsigned long)cam->vanish_after)
        return fail(ENODEV);

    unsigned frame = cam->delivered % cam->count;
    ssize_t size;
    if (cam->fourcc == V4L2_PIX_FMT_MJPEG) {
        char name[PATH_MAX];
        snprintf(name, sizeof name, cam->frames, frame + 1);
        int jfd = open(name, O_RDONLY | O_CLOEXEC);
        if (jfd < 0)
            return fail(EIO);
        size = read(jfd, cam->scratch, cam->sizeimage);
        close(jfd);
    } else {
        size = pread(cam->raw_fd, cam->scratch, cam->sizeimage, (off_t)frame * cam->sizeimage);
    }
    if (size <= 0)
        return fail(EIO);
    cam->delivered++;
    stamp->tv_sec = (time_t)(now / 1000000000u);
    stamp->tv_usec = (suseconds_t)(now % 1000000000u / 1000u);
    return size;
}

static void fill_pix(struct fakecam *cam, struct v4l2_pix_format *pix)
{
    memset(pix, 0, sizeof *pix);
    pix->width = cam->width;
    pix->height = cam->height;
    pix->pixelformat = cam->fourcc;
    pix->field = V4L2_FIELD_NONE;
    pix->bytesperline = cam->bytesperline;
    pix->sizeimage = cam->sizeimage;
    pix->colorspace = cam->fourcc == V4L2_PIX_FMT_MJPEG ? V4L2_COLORSPACE_JPEG
                    : cam->fourcc == V4L2_PIX_FMT_RGB24 ? V4L2_COLORSPACE_SRGB
                                                        : V4L2_COLORSPACE_SMPTE170M;
}

/* Another open file of the same camera owns the buffers: a real queue answers EBUSY. */
static int busy_elsewhere(struct fakecam *cam)
{
    if (cam->owner)
        return 0;
    if (flock(cam->fd, LOCK_EX | LOCK_NB))
        return 1;
    flock(cam->fd, LOCK_UN);
    return 0;
}

static int request_buffers(struct fakecam *cam, struct v4l2_requestbuffers *req)
{
    if (req->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || req->memory != V4L2_MEMORY_MMAP ||
        !cam->offers_mmap)
        return fail(EINVAL);
    if (cam->streaming)
        return fail(EBUSY);
    memset(cam->queued, 0, sizeof cam->queued);
    cam->qhead = cam->qlen = 0;
    if (req->count == 0) {
        cam->nbufs = 0;
        if (cam->owner)
            flock(cam->fd, LOCK_UN);
        cam->owner = 0;
        return 0;
    }
    if (!cam->owner && flock(cam->fd, LOCK_EX | LOCK_NB))
        return fail(EBUSY);
    cam->owner = 1;
    long page = sysconf(_SC_PAGESIZE);
    cam->nbufs = req->count < 2 ? 2 : req->count > MAX_BUFFERS ? MAX_BUFFERS : req->count;
    cam->stride = (cam->sizeimage + (size_t)page - 1) / (size_t)page * (size_t)page;
    off_t end = BUFFER_BASE + (off_t)(cam->nbufs * cam->stride);
    struct stat st;
    if (fstat(cam->fd, &st) || (st.st_size < end && ftruncate(cam->fd, end)))
        return fail(ENOMEM);
    for (unsigned i = 0; i < cam->nbufs; i++) {
        struct v4l2_buffer *b = &cam->bufs[i];
        memset(b, 0, sizeof *b);
        b->index = i;
        b->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        b->memory = V4L2_MEMORY_MMAP;
        b->m.offset = (uint32_t)(BUFFER_BASE + i * cam->stride);
        b->length = cam->sizeimage;
        b->field = V4L2_FIELD_NONE;
    }
    req->count = cam->nbufs;
    req->capabilities = V4L2_BUF_CAP_SUPPORTS_MMAP;
    return 0;
}

static int dequeue(struct fakecam *cam, struct v4l2_buffer *out)
{
    if (out->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || out->memory != V4L2_MEMORY_MMAP ||
        !cam->streaming)
        return fail(EINVAL);
    if (!cam->qlen)
        return fail(EAGAIN);
    unsigned i = cam->queue[cam->qhead];
    struct v4l2_buffer *b = &cam->bufs[i];
    ssize_t size = next_frame(cam, &b->timestamp);
    if (size < 0)
        return -1;
    if (pwrite(cam->fd, cam->scratch, (size_t)size, b->m.offset) != size)
        return fail(EIO);
    cam->qhead = (cam->qhead + 1) % MAX_BUFFERS;
    cam->qlen--;
    cam->queued[i] = 0;
    b->bytesused = (uint32_t)size;
    b->sequence = cam->sequence++;
    b->flags = V4L2_BUF_FLAG_MAPPED | V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC |
               V4L2_BUF_FLAG_TSTAMP_SRC_SOE;
    *out = *b;
    return 0;
}

static int fakecam_ioctl(void *priv, int fd, unsigned long request, void *arg)
{
    struct fakecam *cam = priv;
    (void)fd;
    switch ((unsigned int)request) {
    case VIDIOC_QUERYCAP: {
        struct v4l2_capability *cap = arg;
        memset(cap, 0, sizeof *cap);
        snprintf((char *)cap->driver, sizeof cap->driver, "facepipe-fake");
        snprintf((char *)cap->card, sizeof cap->card, "facepipe fake camera");
        snprintf((char *)cap->bus_info, sizeof cap->bus_info, "platform:fakecam");
        cap->version = 0x00010000;
        cap->device_caps = cam->output_only ? V4L2_CAP_VIDEO_OUTPUT : V4L2_CAP_VIDEO_CAPTURE;
        if (cam->offers_mmap)
            cap->device_caps |= V4L2_CAP_STREAMING;
        if (cam->offers_read && !cam->output_only)
            cap->device_caps |= V4L2_CAP_READWRITE;
        cap->capabilities = cap->device_caps | V4L2_CAP_DEVICE_CAPS;
        return 0;
    }
    case VIDIOC_ENUM_FMT: {
        struct v4l2_fmtdesc *f = arg;
        if (f->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || f->index != 0 || cam->output_only)
            return fail(EINVAL);
        uint32_t index = f->index, type = f->type;
        memset(f, 0, sizeof *f);
        f->index = index;
        f->type = type;
        f->pixelformat = cam->fourcc;
        f->flags = cam->fourcc == V4L2_PIX_FMT_MJPEG ? V4L2_FMT_FLAG_COMPRESSED : 0;
        snprintf((char *)f->description, sizeof f->description, "fake %.4s", (char *)&cam->fourcc);
        return 0;
    }
    case VIDIOC_ENUM_FRAMESIZES: {
        struct v4l2_frmsizeenum *s = arg;
        if (s->index != 0 || s->pixel_format != cam->fourcc)
            return fail(EINVAL);
        s->type = V4L2_FRMSIZE_TYPE_DISCRETE;
        s->discrete.width = cam->width;
        s->discrete.height = cam->height;
        return 0;
    }
    case VIDIOC_G_FMT:
    case VIDIOC_TRY_FMT:
    case VIDIOC_S_FMT: {
        struct v4l2_format *f = arg;
        if (f->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || cam->output_only)
            return fail(EINVAL);
        if ((unsigned int)request == VIDIOC_S_FMT && (cam->streaming || busy_elsewhere(cam)))
            return fail(EBUSY);
        fill_pix(cam, &f->fmt.pix); /* one format, one size: what a fixed sensor answers */
        return 0;
    }
    case VIDIOC_G_PARM:
    case VIDIOC_S_PARM: {
        struct v4l2_streamparm *p = arg;
        if (p->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || cam->output_only)
            return fail(EINVAL);
        struct v4l2_fract *tpf = &p->parm.capture.timeperframe;
        if ((unsigned int)request == VIDIOC_S_PARM && tpf->numerator && tpf->denominator) {
            unsigned want = (tpf->denominator + tpf->numerator / 2) / tpf->numerator;
            cam->fps = want < 1 ? 1 : want > cam->max_fps ? cam->max_fps : want;
        }
        memset(&p->parm.capture, 0, sizeof p->parm.capture);
        p->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
        p->parm.capture.timeperframe.numerator = 1;
        p->parm.capture.timeperframe.denominator = cam->fps;
        p->parm.capture.readbuffers = 2;
        return 0;
    }
    case VIDIOC_REQBUFS:
        return request_buffers(cam, arg);
    case VIDIOC_QUERYBUF: {
        struct v4l2_buffer *b = arg;
        if (b->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || b->index >= cam->nbufs)
            return fail(EINVAL);
        *b = cam->bufs[b->index];
        if (cam->queued[b->index])
            b->flags |= V4L2_BUF_FLAG_QUEUED;
        return 0;
    }
    case VIDIOC_QBUF: {
        struct v4l2_buffer *b = arg;
        if (b->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || b->memory != V4L2_MEMORY_MMAP ||
            b->index >= cam->nbufs || cam->queued[b->index])
            return fail(EINVAL);
        cam->queued[b->index] = 1;
        cam->queue[(cam->qhead + cam->qlen) % MAX_BUFFERS] = b->index;
        cam->qlen++;
        b->flags = V4L2_BUF_FLAG_MAPPED | V4L2_BUF_FLAG_QUEUED;
        return 0;
    }
    case VIDIOC_DQBUF:
        return dequeue(cam, arg);
    case VIDIOC_STREAMON:
    case VIDIOC_STREAMOFF: {
        if (*(int *)arg != V4L2_BUF_TYPE_VIDEO_CAPTURE || !cam->nbufs)
            return fail(EINVAL);
        cam->streaming = (unsigned int)request == VIDIOC_STREAMON;
        if (cam->streaming) {
            cam->next_due_ns = now_ns();
        } else {
            memset(cam->queued, 0, sizeof cam->queued);
            cam->qhead = cam->qlen = 0;
        }
        return 0;
    }
    default:
        return fail(ENOTTY);
    }
}

static ssize_t fakecam_read(void *priv, int fd, void *buffer, size_t n)
{
    struct fakecam *cam = priv;
    (void)fd;
    if (!cam->offers_read || cam->output_only)
        return fail(EINVAL);
    if (cam->streaming || busy_elsewhere(cam))
        return fail(EBUSY);
    struct timeval stamp;
    ssize_t size = next_frame(cam, &stamp);
    if (size < 0)
        return -1;
    size_t copied = (size_t)size < n ? (size_t)size : n;
    memcpy(buffer, cam->scratch, copied);
    return (ssize_t)copied;
}

__attribute__((visibility("default")))
const struct libv4l_dev_ops libv4l2_plugin = {
    .init = fakecam_init,
    .close = fakecam_close,
    .ioctl = fakecam_ioctl,
    .read = fakecam_read,
};

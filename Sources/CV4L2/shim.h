#ifndef FACEPIPE_CV4L2_SHIM_H
#define FACEPIPE_CV4L2_SHIM_H
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/videodev2.h>
#include <libv4l2.h>

// v4l2_open/v4l2_ioctl are variadic and the VIDIOC_* request codes are macros: neither imports.
static inline int fp_v4l2_open(const char *path, int flags) { return v4l2_open(path, flags); }
static inline int fp_v4l2_ioctl(int fd, unsigned long request, void *arg) { return v4l2_ioctl(fd, request, arg); }
static inline unsigned long fp_vidioc_querycap(void) { return VIDIOC_QUERYCAP; }
static inline unsigned long fp_vidioc_enum_fmt(void) { return VIDIOC_ENUM_FMT; }
static inline unsigned long fp_vidioc_g_fmt(void) { return VIDIOC_G_FMT; }
static inline unsigned long fp_vidioc_s_fmt(void) { return VIDIOC_S_FMT; }
static inline unsigned long fp_vidioc_try_fmt(void) { return VIDIOC_TRY_FMT; }
static inline unsigned long fp_vidioc_enum_framesizes(void) { return VIDIOC_ENUM_FRAMESIZES; }
static inline unsigned long fp_vidioc_g_parm(void) { return VIDIOC_G_PARM; }
static inline unsigned long fp_vidioc_s_parm(void) { return VIDIOC_S_PARM; }
static inline unsigned long fp_vidioc_reqbufs(void) { return VIDIOC_REQBUFS; }
static inline unsigned long fp_vidioc_querybuf(void) { return VIDIOC_QUERYBUF; }
static inline unsigned long fp_vidioc_qbuf(void) { return VIDIOC_QBUF; }
static inline unsigned long fp_vidioc_dqbuf(void) { return VIDIOC_DQBUF; }
static inline unsigned long fp_vidioc_streamon(void) { return VIDIOC_STREAMON; }
static inline unsigned long fp_vidioc_streamoff(void) { return VIDIOC_STREAMOFF; }
#endif

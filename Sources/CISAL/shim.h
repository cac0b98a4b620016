#include <isa-l/igzip_lib.h>
#include <stdint.h>
#include <string.h>

/* Bytes of working memory igzip's level 1 wants (an expression macro, which Swift cannot import). */
static inline size_t tributary_igzip_level1_buffer_size(void) { return ISAL_DEF_LVL1_DEFAULT; }

/* Compresses in[0..n) into out[0..cap) as one complete gzip member at igzip level 1, using level_buf as working
   memory. Returns the member's size, or 0 when out is too small or n does not fit igzip's 32-bit counters. */
static inline size_t tributary_igzip_level1(const unsigned char *in, size_t n, unsigned char *out, size_t cap,
                                            unsigned char *level_buf, size_t level_buf_size) {
    if (n > UINT32_MAX || cap > UINT32_MAX) return 0;
    struct isal_zstream s;
    isal_deflate_init(&s);
    s.end_of_stream = 1;
    s.flush = NO_FLUSH;
    s.level = 1;
    s.level_buf = level_buf;
    s.level_buf_size = (uint32_t)level_buf_size;
    s.gzip_flag = IGZIP_GZIP;
    s.next_in = (uint8_t *)in;
    s.avail_in = (uint32_t)n;
    s.next_out = out;
    s.avail_out = (uint32_t)cap;
    if (isal_deflate(&s) != COMP_OK || s.internal_state.state != ZSTATE_END) return 0;
    return s.total_out;
}

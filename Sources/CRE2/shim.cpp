#include "cre2shim.h"
#include <re2/re2.h>
#include <cstring>
#include <map>
#include <string>
#include <vector>

struct tr_regex {
    re2::RE2 *re;
    std::vector<std::string> names;  // index -> name ("" when unnamed)
};

extern "C" tr_regex *tr_regex_new(const char *pattern, size_t len, char *err, size_t errlen) {
    re2::RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_encoding(re2::RE2::Options::EncodingUTF8);
    opts.set_perl_classes(true);
    opts.set_word_boundary(true);
    opts.set_max_mem(64 << 20);
    re2::RE2 *re = new re2::RE2(re2::StringPiece(pattern, len), opts);
    if (!re->ok()) {
        if (err && errlen > 0) {
            std::strncpy(err, re->error().c_str(), errlen - 1);
            err[errlen - 1] = 0;
        }
        delete re;
        return nullptr;
    }
    tr_regex *r = new tr_regex;
    r->re = re;
    r->names.assign(re->NumberOfCapturingGroups() + 1, "");
    for (const auto &kv : re->CapturingGroupNames()) {
        if (kv.first >= 0 && (size_t)kv.first < r->names.size()) r->names[kv.first] = kv.second;
    }
    return r;
}

extern "C" void tr_regex_free(tr_regex *re) {
    if (!re) return;
    delete re->re;
    delete re;
}

extern "C" int tr_regex_groups(const tr_regex *re) { return re->re->NumberOfCapturingGroups(); }

extern "C" const char *tr_regex_group_name(const tr_regex *re, int index) {
    if (index < 0 || (size_t)index >= re->names.size() || re->names[index].empty()) return nullptr;
    return re->names[index].c_str();
}

extern "C" int tr_regex_match(const tr_regex *re, const char *text, size_t len, size_t start, int anchor, long *offsets, int nsub) {
    re2::StringPiece input(text ? text : "", len);
    std::vector<re2::StringPiece> subs(nsub > 0 ? nsub : 1);
    re2::RE2::Anchor a = anchor == 2 ? re2::RE2::ANCHOR_BOTH : (anchor == 1 ? re2::RE2::ANCHOR_START : re2::RE2::UNANCHORED);
    if (!re->re->Match(input, start, len, a, subs.data(), nsub > 0 ? nsub : 0)) return 0;
    for (int i = 0; i < nsub; i++) {
        if (subs[i].data() == nullptr) {
            offsets[2 * i] = -1;
            offsets[2 * i + 1] = -1;
        } else {
            offsets[2 * i] = (long)(subs[i].data() - input.data());
            offsets[2 * i + 1] = offsets[2 * i] + (long)subs[i].size();
        }
    }
    return 1;
}

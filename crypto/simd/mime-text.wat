;; SIMD helpers for the S/MIME text work that Node 20 has no native call for (issue 3, point 5):
;; base64 in 76-character lines with CRLF (RFC 2045 §6.8), and the check that a MIME entity is in
;; canonical CRLF form (RFC 8551 §3.1.1). Sixteen bytes per instruction instead of one.
;;
;; The caller (mime-text.ts) copies its bytes into `memory`, calls, and copies the result out;
;; nothing here allocates or keeps state between calls. Compiled to mime-text.wasm.ts by
;; `npm run build:wasm`; a unit test recompiles this file and compares.
(module
  (memory (export "memory") 1)

  ;; Encodes $lines whole lines of 57 bytes from $src as lines of 76 characters and CRLF at $dst,
  ;; five blocks of twelve bytes per line: each 32-bit lane takes three bytes b0 b1 b2 as the
  ;; number b0<<16 | b1<<8 | b2; its four 6-bit groups are moved into the lane's four bytes, most
  ;; significant first, and each group becomes its character by adding an offset chosen by range
  ;; (A–Z, a–z, 0–9, +, /). The fifth block of a line is encoded whole and its surplus
  ;; overwritten by the CRLF and the next line, so this reads up to 7 bytes past the last line and
  ;; writes up to 2 bytes past the last CRLF.
  (func (export "encodeBase64Lines") (param $src i32) (param $dst i32) (param $lines i32)
    (local $block i32)
    (local $lanes v128)
    (local $groups v128)
    (block $done
      (loop $line
        (br_if $done (i32.eqz (local.get $lines)))
        (local.set $block (i32.const 0))
        (loop $blocks
          (local.set $lanes
            (i8x16.swizzle
              (v128.load (i32.add (local.get $src) (i32.mul (local.get $block) (i32.const 12))))
              ;; lane k takes input bytes 3k+2, 3k+1, 3k (little-endian); index 255 yields 0
              (v128.const i8x16 2 1 0 255 5 4 3 255 8 7 6 255 11 10 9 255)))
          (local.set $groups
            (v128.or
              (v128.or
                (v128.and (i32x4.shr_u (local.get $lanes) (i32.const 18))
                  (v128.const i32x4 0x3f 0x3f 0x3f 0x3f))
                (v128.and (i32x4.shr_u (local.get $lanes) (i32.const 4))
                  (v128.const i32x4 0x3f00 0x3f00 0x3f00 0x3f00)))
              (v128.or
                (v128.and (i32x4.shl (local.get $lanes) (i32.const 10))
                  (v128.const i32x4 0x3f0000 0x3f0000 0x3f0000 0x3f0000))
                (v128.and (i32x4.shl (local.get $lanes) (i32.const 24))
                  (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000)))))
          (v128.store
            (i32.add (local.get $dst) (i32.shl (local.get $block) (i32.const 4)))
            (i8x16.add
              (local.get $groups)
              ;; index 0 for groups 26–51, 1–12 for 52–63, 13 for 0–25 into the offsets:
              ;; 'a' - 26, '0' - 52 (ten times), '+' - 62, '/' - 63, 'A'
              (i8x16.swizzle
                (v128.const i8x16 71 -4 -4 -4 -4 -4 -4 -4 -4 -4 -4 -19 -16 65 0 0)
                (v128.or
                  (i8x16.sub_sat_u (local.get $groups) (i8x16.splat (i32.const 51)))
                  (v128.and
                    (i8x16.lt_u (local.get $groups) (i8x16.splat (i32.const 26)))
                    (i8x16.splat (i32.const 13)))))))
          (local.set $block (i32.add (local.get $block) (i32.const 1)))
          (br_if $blocks (i32.lt_u (local.get $block) (i32.const 5))))
        (i32.store16 offset=76 (local.get $dst) (i32.const 0x0a0d))
        (local.set $src (i32.add (local.get $src) (i32.const 57)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 78)))
        (local.set $lines (i32.sub (local.get $lines) (i32.const 1)))
        (br $line))))

  ;; Scans $blocks blocks of 16 bytes at $at for CR and LF. Canonical means every CR is followed
  ;; by an LF and every LF follows a CR: the LF positions are the CR positions moved by one.
  ;; $carry is 1 when the byte before $at was a CR. Returns the carry out (bit 0) and whether a
  ;; bare CR or LF was seen (bit 1); the caller pads the last block with zeros.
  (func (export "scanLineEnds") (param $at i32) (param $blocks i32) (param $carry i32) (result i32)
    (local $bytes v128)
    (local $cr i32)
    (local $bad i32)
    (block $done
      (loop $block
        (br_if $done (i32.eqz (local.get $blocks)))
        (local.set $bytes (v128.load (local.get $at)))
        (local.set $cr (i8x16.bitmask (i8x16.eq (local.get $bytes) (i8x16.splat (i32.const 13)))))
        (local.set $bad
          (i32.or
            (local.get $bad)
            (i32.xor
              (i8x16.bitmask (i8x16.eq (local.get $bytes) (i8x16.splat (i32.const 10))))
              (i32.and
                (i32.or (i32.shl (local.get $cr) (i32.const 1)) (local.get $carry))
                (i32.const 0xffff)))))
        (local.set $carry (i32.shr_u (local.get $cr) (i32.const 15)))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (local.set $blocks (i32.sub (local.get $blocks) (i32.const 1)))
        (br $block)))
    (i32.or
      (local.get $carry)
      (i32.shl (i32.ne (local.get $bad) (i32.const 0)) (i32.const 1)))))

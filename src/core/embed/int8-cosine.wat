;; The cosine of a float32 query and a stored int8 vector (src/core/embed/vector-math.ts, the form
;; with a stepped scale per 16 components), four components per SIMD lane: rescoring takes hundreds
;; of these a search, and the same loop in JavaScript took 3.5 µs a 1024-d vector.
;;
;; Regenerate the bytes in int8-cosine.ts after editing:
;;   npx -y -p wabt@1.0.39 wat2wasm src/core/embed/int8-cosine.wat -o /tmp/int8-cosine.wasm && base64 -w0 /tmp/int8-cosine.wasm
(module
  (memory (export "memory") 1)

  ;; Memory from 0: 256 f32, the block scale steps 2^(-e/16) (written once by the caller).
  ;; The query (d f32) at $q, the stored vector at $v: d int8 components, the largest block scale
  ;; (f32) at v + d, then one step byte per block of 16 at v + d + 4 + block. d is a multiple of 16.
  ;; Returns dot / |decoded vector| (0 for a zero vector); the query is unit length.
  (func (export "cosine") (param $q i32) (param $v i32) (param $d i32) (result f64)
    (local $b i32) (local $blocks i32) (local $steps i32) (local $qp i32) (local $vp i32)
    (local $largest f32) (local $s v128)
    (local $x v128) (local $lo v128) (local $hi v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $dot v128) (local $norm v128) (local $dsum f64) (local $nsum f64)
    (local.set $blocks (i32.shr_u (local.get $d) (i32.const 4)))
    (local.set $largest (f32.load (i32.add (local.get $v) (local.get $d))))
    (local.set $steps (i32.add (i32.add (local.get $v) (local.get $d)) (i32.const 4)))
    (local.set $qp (local.get $q))
    (local.set $vp (local.get $v))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $b) (local.get $blocks)))
        (local.set $s (f32x4.splat (f32.mul (local.get $largest)
          (f32.load (i32.shl (i32.load8_u (i32.add (local.get $steps) (local.get $b))) (i32.const 2))))))
        (local.set $x (v128.load (local.get $vp)))
        (local.set $lo (i16x8.extend_low_i8x16_s (local.get $x)))
        (local.set $hi (i16x8.extend_high_i8x16_s (local.get $x)))
        (local.set $a0 (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $lo))))
        (local.set $a1 (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $lo))))
        (local.set $a2 (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $hi))))
        (local.set $a3 (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $hi))))
        (local.set $dot (f32x4.add (local.get $dot) (f32x4.mul (local.get $s)
          (f32x4.add
            (f32x4.add (f32x4.mul (local.get $a0) (v128.load (local.get $qp)))
                       (f32x4.mul (local.get $a1) (v128.load offset=16 (local.get $qp))))
            (f32x4.add (f32x4.mul (local.get $a2) (v128.load offset=32 (local.get $qp)))
                       (f32x4.mul (local.get $a3) (v128.load offset=48 (local.get $qp))))))))
        (local.set $norm (f32x4.add (local.get $norm) (f32x4.mul (f32x4.mul (local.get $s) (local.get $s))
          (f32x4.add
            (f32x4.add (f32x4.mul (local.get $a0) (local.get $a0)) (f32x4.mul (local.get $a1) (local.get $a1)))
            (f32x4.add (f32x4.mul (local.get $a2) (local.get $a2)) (f32x4.mul (local.get $a3) (local.get $a3)))))))
        (local.set $qp (i32.add (local.get $qp) (i32.const 64)))
        (local.set $vp (i32.add (local.get $vp) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $block)))
    (local.set $dsum (f64.add
      (f64.add (f64.promote_f32 (f32x4.extract_lane 0 (local.get $dot))) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $dot))))
      (f64.add (f64.promote_f32 (f32x4.extract_lane 2 (local.get $dot))) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $dot))))))
    (local.set $nsum (f64.add
      (f64.add (f64.promote_f32 (f32x4.extract_lane 0 (local.get $norm))) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $norm))))
      (f64.add (f64.promote_f32 (f32x4.extract_lane 2 (local.get $norm))) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $norm))))))
    (if (result f64) (f64.gt (local.get $nsum) (f64.const 0))
      (then (f64.div (local.get $dsum) (f64.sqrt (local.get $nsum))))
      (else (f64.const 0)))))

;; Hamming distances between one query and many rows of packed sign bits, for the vector search's
;; candidate scan (src/core/bit-index.ts). i64.popcnt is one CPU instruction, which JavaScript has
;; no way to reach; this loop is the whole reason the module exists.
;;
;; Regenerate the bytes in hamming.ts after editing:
;;   npx -y -p wabt@1.0.39 wat2wasm src/core/hamming.wat -o /tmp/hamming.wasm && base64 -w0 /tmp/hamming.wasm
(module
  (memory (export "memory") 1)

  ;; For rows 0..n-1, each `words` 64-bit words long starting at `rows`, writes the Hamming
  ;; distance to the query at `q` as a u16 at out + 2 * row, and counts each distance in a u32
  ;; histogram at `hist` (zeroed by the caller), so the caller can find a cut-off without sorting.
  (func (export "distances")
    (param $q i32) (param $rows i32) (param $n i32) (param $words i32) (param $out i32) (param $hist i32)
    (local $i i32) (local $w i32) (local $p i32) (local $d i32) (local $stride i32) (local $h i32)
    (local.set $stride (i32.shl (local.get $words) (i32.const 3)))
    (local.set $p (local.get $rows))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $d (i32.const 0))
        (local.set $w (i32.const 0))
        (block $last
          (loop $word
            (br_if $last (i32.ge_u (local.get $w) (local.get $stride)))
            (local.set $d
              (i32.add (local.get $d)
                (i32.wrap_i64
                  (i64.popcnt
                    (i64.xor
                      (i64.load (i32.add (local.get $p) (local.get $w)))
                      (i64.load (i32.add (local.get $q) (local.get $w))))))))
            (local.set $w (i32.add (local.get $w) (i32.const 8)))
            (br $word)))
        (i32.store16 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 1))) (local.get $d))
        (local.set $h (i32.add (local.get $hist) (i32.shl (local.get $d) (i32.const 2))))
        (i32.store (local.get $h) (i32.add (i32.load (local.get $h)) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))

  ;; Writes, as u32 row numbers at `dest`, the rows whose distance at out + 2 * row is at most
  ;; `cutoff`, in row order, and returns how many.
  (func (export "within")
    (param $out i32) (param $n i32) (param $cutoff i32) (param $dest i32) (result i32)
    (local $i i32) (local $k i32)
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.le_u (i32.load16_u (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 1)))) (local.get $cutoff))
          (then
            (i32.store (i32.add (local.get $dest) (i32.shl (local.get $k) (i32.const 2))) (local.get $i))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row)))
    (local.get $k)))

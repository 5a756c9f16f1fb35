;; Hamming distances between one query and many rows of packed sign bits, for the vector search's
;; candidate scan (src/core/embed/bit-index.ts). i64.popcnt is one CPU instruction, which JavaScript has
;; no way to reach; these loops are the whole reason the module exists. Rows are kept in planes of
;; 256 bits (src/core/embed/hamming.ts): `distances` scans the first plane of every row, `within` picks
;; the closest, and `refine` adds the other planes for those only.
;;
;; Regenerate the bytes in hamming.ts after editing:
;;   npx -y -p wabt@1.0.39 wat2wasm src/core/embed/hamming.wat -o /tmp/hamming.wasm && base64 -w0 /tmp/hamming.wasm
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
    (local.get $k))

  ;; The second stage of a scan over rows stored in planes of 4 words (256 bits): for each of the
  ;; `m` candidate rows (u32 row numbers at `cand`), adds to its first-plane distance (u16 at
  ;; coarse + 2 * row) the distances of planes 1..planes-1 (plane p of row r at
  ;; base + p * planeBytes + 32 * r, of the query at q + 32 * p), writes the sum as a u16 at
  ;; out + 2 * i and counts it in the u32 histogram at `hist`.
  (func (export "refine")
    (param $q i32) (param $base i32) (param $planeBytes i32) (param $planes i32)
    (param $cand i32) (param $m i32) (param $coarse i32) (param $out i32) (param $hist i32)
    (local $i i32) (local $r i32) (local $d i32) (local $pl i32) (local $p i32) (local $qp i32) (local $h i32)
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $r (i32.load (i32.add (local.get $cand) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $d (i32.load16_u (i32.add (local.get $coarse) (i32.shl (local.get $r) (i32.const 1)))))
        (local.set $pl (i32.const 1))
        (block $planesDone
          (loop $plane
            (br_if $planesDone (i32.ge_u (local.get $pl) (local.get $planes)))
            (local.set $p
              (i32.add (i32.add (local.get $base) (i32.mul (local.get $pl) (local.get $planeBytes)))
                (i32.shl (local.get $r) (i32.const 5))))
            (local.set $qp (i32.add (local.get $q) (i32.shl (local.get $pl) (i32.const 5))))
            (local.set $d (i32.add (local.get $d) (i32.wrap_i64 (i64.add
              (i64.add
                (i64.popcnt (i64.xor (i64.load (local.get $p)) (i64.load (local.get $qp))))
                (i64.popcnt (i64.xor (i64.load offset=8 (local.get $p)) (i64.load offset=8 (local.get $qp)))))
              (i64.add
                (i64.popcnt (i64.xor (i64.load offset=16 (local.get $p)) (i64.load offset=16 (local.get $qp))))
                (i64.popcnt (i64.xor (i64.load offset=24 (local.get $p)) (i64.load offset=24 (local.get $qp)))))))))
            (local.set $pl (i32.add (local.get $pl) (i32.const 1)))
            (br $plane)))
        (i32.store16 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 1))) (local.get $d))
        (local.set $h (i32.add (local.get $hist) (i32.shl (local.get $d) (i32.const 2))))
        (i32.store (local.get $h) (i32.add (i32.load (local.get $h)) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))

  ;; `distances` for rows of exactly 4 words (one plane), unrolled with the query in locals: the
  ;; first stage of every scan, over every row.
  (func (export "distances4")
    (param $q i32) (param $rows i32) (param $n i32) (param $out i32) (param $hist i32)
    (local $i i32) (local $p i32) (local $d i32) (local $h i32)
    (local $q0 i64) (local $q1 i64) (local $q2 i64) (local $q3 i64)
    (local.set $q0 (i64.load (local.get $q)))
    (local.set $q1 (i64.load offset=8 (local.get $q)))
    (local.set $q2 (i64.load offset=16 (local.get $q)))
    (local.set $q3 (i64.load offset=24 (local.get $q)))
    (local.set $p (local.get $rows))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $d (i32.wrap_i64 (i64.add
          (i64.add
            (i64.popcnt (i64.xor (i64.load (local.get $p)) (local.get $q0)))
            (i64.popcnt (i64.xor (i64.load offset=8 (local.get $p)) (local.get $q1))))
          (i64.add
            (i64.popcnt (i64.xor (i64.load offset=16 (local.get $p)) (local.get $q2)))
            (i64.popcnt (i64.xor (i64.load offset=24 (local.get $p)) (local.get $q3)))))))
        (i32.store16 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 1))) (local.get $d))
        (local.set $h (i32.add (local.get $hist) (i32.shl (local.get $d) (i32.const 2))))
        (i32.store (local.get $h) (i32.add (i32.load (local.get $h)) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row)))))

;; The wasm scoring kernel (score-int8-wasm.ts): every row of an int8 item matrix (the model's int8
;; file layout, core/vectors.ts) against one interest vector quantised to int16, in 128-bit SIMD.
;; Compiled by `npm run build:wasm` into score-int8-wasm-bytes.ts; a unit test keeps the two equal.
;;
;; Why int8 x int16 integer dot products: the matrix is read as the file stores it, a quarter of
;; float32's bytes (at 100k x 128 the float32 matrix is 51 MB per scoring, more than the caches
;; hold), and `i32x4.dot_i16x8_s` does 8 multiply-adds per instruction, exactly, in integers. The
;; caller bounds the interest's int16 values so no row's sum can overflow int32.
(module
  (memory (export "memory") 1)

  ;; out[r] = f32(sum_j items[r][j] * user[j]) * scales[r] * userScale + prior[r], for r < count.
  ;; items: count * dim int8, row-major; scales, prior, out: count float32; user: dim int16.
  ;; dim is a multiple of 16 (one v128 of int8 values per step). Every address is a byte offset.
  (func (export "score")
    (param $items i32) (param $scales i32) (param $prior i32) (param $user i32) (param $out i32)
    (param $count i32) (param $dim i32) (param $userScale f32)
    (local $row i32) (local $item i32) (local $rowEnd i32) (local $u i32) (local $bytes v128) (local $sums v128)
    (local.set $item (local.get $items))
    (block $done
      (br_if $done (i32.eqz (local.get $count)))
      (loop $rows
        (local.set $rowEnd (i32.add (local.get $item) (local.get $dim)))
        (local.set $u (local.get $user))
        (local.set $sums (v128.const i32x4 0 0 0 0))
        (loop $values
          (local.set $bytes (v128.load (local.get $item)))
          ;; The low 8 int8 values times interest values 0..7 of this step, the high 8 times 8..15.
          (local.set $sums
            (i32x4.add (local.get $sums)
              (i32x4.add
                (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $bytes)) (v128.load (local.get $u)))
                (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $bytes)) (v128.load offset=16 (local.get $u))))))
          (local.set $u (i32.add (local.get $u) (i32.const 32)))
          (local.set $item (i32.add (local.get $item) (i32.const 16)))
          (br_if $values (i32.lt_u (local.get $item) (local.get $rowEnd))))
        (f32.store
          (i32.add (local.get $out) (i32.shl (local.get $row) (i32.const 2)))
          (f32.add
            (f32.mul
              (f32.convert_i32_s
                (i32.add
                  (i32.add (i32x4.extract_lane 0 (local.get $sums)) (i32x4.extract_lane 1 (local.get $sums)))
                  (i32.add (i32x4.extract_lane 2 (local.get $sums)) (i32x4.extract_lane 3 (local.get $sums)))))
              (f32.mul (f32.load (i32.add (local.get $scales) (i32.shl (local.get $row) (i32.const 2)))) (local.get $userScale)))
            (f32.load (i32.add (local.get $prior) (i32.shl (local.get $row) (i32.const 2))))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $row) (local.get $count))))))
  ;; The first r in [from, count) with values[r] > threshold (float32; NaN is never above), or count
  ;; when there is none: four rows per step, then one at a time within the step that holds it. The
  ;; caller's top-k selection passes over the rows below its k-th score with it (core/rank.ts topK).
  (func (export "above")
    (param $values i32) (param $from i32) (param $count i32) (param $threshold f32) (result i32)
    (local $row i32) (local $limit v128)
    (local.set $row (local.get $from))
    (local.set $limit (f32x4.splat (local.get $threshold)))
    (block $found
      (loop $fours
        ;; Four rows left at least: row + 4 <= count (signed, as count < 4 leaves none).
        (br_if $found (i32.gt_s (i32.add (local.get $row) (i32.const 4)) (local.get $count)))
        (br_if $found
          (v128.any_true
            (f32x4.gt (v128.load (i32.add (local.get $values) (i32.shl (local.get $row) (i32.const 2)))) (local.get $limit))))
        (local.set $row (i32.add (local.get $row) (i32.const 4)))
        (br $fours)))
    (block $done
      (loop $ones
        (br_if $done (i32.ge_u (local.get $row) (local.get $count)))
        (br_if $done (f32.gt (f32.load (i32.add (local.get $values) (i32.shl (local.get $row) (i32.const 2)))) (local.get $threshold)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $ones)))
    (local.get $row)))


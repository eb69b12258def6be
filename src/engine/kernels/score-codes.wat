;; The product-quantisation kernel (wasm-code-scorer.ts): every item's codes (core/product-quantiser.ts)
;; scored against one interest's table of dot products, the asymmetric distance computation of a
;; paged model (core/vector-pages.ts). Compiled by `npm run build:wasm` into score-codes-wasm-bytes.ts;
;; a unit test keeps the two equal.
;;
;; Why scalar float64: the scores must be core's `scoreCodes` exactly, which sums the float32 table
;; entries as JavaScript numbers in slice order and rounds once to float32. The same sums in the
;; same order here give the same bits, about three times as fast (a million items: 6 ms against 19 in
;; Node here): the loads, not the arithmetic, set the pace, and SIMD has no gather to speed them.
(module
  (memory (export "memory") 1)

  ;; out[r] = f32(sum_s table[s * 256 + codes[r * subspaces + s]] + priorWeight * prior[r]) for
  ;; r < count, the prior term only when withPrior is not 0. table: subspaces * 256 float32;
  ;; codes: count * subspaces bytes; prior, out: count float32. Every address is a byte offset.
  (func (export "score")
    (param $table i32) (param $codes i32) (param $subspaces i32) (param $prior i32) (param $out i32)
    (param $count i32) (param $priorWeight f64) (param $withPrior i32)
    (local $row i32) (local $code i32) (local $s i32) (local $sum f64)
    (local.set $code (local.get $codes))
    (block $done
      (br_if $done (i32.eqz (local.get $count)))
      (loop $rows
        (local.set $sum (f64.const 0))
        (local.set $s (i32.const 0))
        (block $sliced
          (br_if $sliced (i32.eqz (local.get $subspaces)))
          (loop $slices
            (local.set $sum
              (f64.add (local.get $sum)
                (f64.promote_f32
                  (f32.load
                    (i32.add (local.get $table)
                      (i32.shl (i32.add (i32.shl (local.get $s) (i32.const 8)) (i32.load8_u (local.get $code))) (i32.const 2)))))))
            (local.set $code (i32.add (local.get $code) (i32.const 1)))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br_if $slices (i32.lt_u (local.get $s) (local.get $subspaces)))))
        (call $store (local.get $out) (local.get $prior) (local.get $row) (local.get $sum) (local.get $priorWeight) (local.get $withPrior))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $row) (local.get $count))))))

  ;; `score` for 16 slices (the builder's default), written out: the same sums in the same order.
  (func (export "scoreSixteen")
    (param $table i32) (param $codes i32) (param $prior i32) (param $out i32)
    (param $count i32) (param $priorWeight f64) (param $withPrior i32)
    (local $row i32) (local $code i32) (local $sum f64)
    (local.set $code (local.get $codes))
    (block $done
      (br_if $done (i32.eqz (local.get $count)))
      (loop $rows
        (local.set $sum (f64.promote_f32 (f32.load (i32.add (local.get $table) (i32.shl (i32.load8_u (local.get $code)) (i32.const 2))))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load offset=1024 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=1 (local.get $code)) (i32.const 2)))))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load offset=2048 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=2 (local.get $code)) (i32.const 2)))))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load offset=3072 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=3 (local.get $code)) (i32.const 2)))))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load offset=4096 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=4 (local.get $code)) (i32.const 2)))))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load offset=5120 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=5 (local.get $code)) (i32.const 2)))))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load offset=6144 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=6 (local.get $code)) (i32.const 2)))))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load offset=7168 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=7 (local.get $code)) (i32.const 2)))))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load offset=8192 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=8 (local.get $code)) (i32.const 2)))))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load offset=9216 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=9 (local.get $code)) (i32.const 2)))))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load offset=10240 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=10 (local.get $code)) (i32.const 2)))))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load offset=11264 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=11 (local.get $code)) (i32.const 2)))))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load offset=12288 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=12 (local.get $code)) (i32.const 2)))))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load offset=13312 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=13 (local.get $code)) (i32.const 2)))))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load offset=14336 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=14 (local.get $code)) (i32.const 2)))))))
        (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load offset=15360 (i32.add (local.get $table) (i32.shl (i32.load8_u offset=15 (local.get $code)) (i32.const 2)))))))
        (call $store (local.get $out) (local.get $prior) (local.get $row) (local.get $sum) (local.get $priorWeight) (local.get $withPrior))
        (local.set $code (i32.add (local.get $code) (i32.const 16)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $row) (local.get $count))))))

  ;; out[row] = f32(sum + priorWeight * prior[row]), or f32(sum) without a prior.
  (func $store
    (param $out i32) (param $prior i32) (param $row i32) (param $sum f64) (param $priorWeight f64) (param $withPrior i32)
    (local $at i32)
    (local.set $at (i32.shl (local.get $row) (i32.const 2)))
    (if (local.get $withPrior)
      (then
        (local.set $sum
          (f64.add (local.get $sum)
            (f64.mul (local.get $priorWeight) (f64.promote_f32 (f32.load (i32.add (local.get $prior) (local.get $at)))))))))
    (f32.store (i32.add (local.get $out) (local.get $at)) (f32.demote_f64 (local.get $sum)))))

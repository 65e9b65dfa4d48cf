;; The i64 twin of i32_arith (64-bit multiply, xor-shift, rotate); the result is folded to i32.
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $a i64) (local $b i64)
    (local.set $a (i64.const 0x0123456789abcdef))
    (local.set $b (i64.const 1))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $a
          (i64.add
            (i64.mul (local.get $a) (i64.const 6364136223846793005))
            (i64.const 1442695040888963407)))
        (local.set $b
          (i64.xor
            (i64.rotl (local.get $b) (i64.const 13))
            (i64.shr_u (local.get $a) (i64.const 29))))
        (if (i64.lt_s (local.get $b) (i64.const 0))
          (then (local.set $b (i64.sub (local.get $b) (i64.extend_i32_u (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.set $a (i64.xor (local.get $a) (local.get $b)))
    (i32.wrap_i64 (i64.xor (local.get $a) (i64.shr_u (local.get $a) (i64.const 32))))))

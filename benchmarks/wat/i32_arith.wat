;; A tight i32 loop mixing add, mul, xor, shifts, rotate and a signed compare; n iterations.
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $a i32) (local $b i32)
    (local.set $a (i32.const 0x12345678))
    (local.set $b (i32.const 1))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $a
          (i32.xor
            (i32.mul (local.get $a) (i32.const 1103515245))
            (i32.add (local.get $i) (i32.const 12345))))
        (local.set $b
          (i32.add
            (i32.rotl (local.get $b) (i32.const 5))
            (i32.shr_u (local.get $a) (i32.const 7))))
        (if (i32.lt_s (local.get $b) (i32.const 0))
          (then (local.set $b (i32.sub (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (i32.xor (local.get $a) (local.get $b))))

;; A dispatch loop: each of n steps picks one of 8 cases through br_table (like an interpreter's switch).
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $x i32) (local $acc i32)
    (local.set $x (i32.const 7))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1664525)) (i32.const 1013904223)))
        (block $join
          (block $c7 (block $c6 (block $c5 (block $c4 (block $c3 (block $c2 (block $c1 (block $c0
            (br_table $c0 $c1 $c2 $c3 $c4 $c5 $c6 $c7 $c0
              (i32.and (i32.shr_u (local.get $x) (i32.const 24)) (i32.const 7))))
            (local.set $acc (i32.add (local.get $acc) (i32.const 1))) (br $join))
            (local.set $acc (i32.sub (local.get $acc) (i32.const 3))) (br $join))
            (local.set $acc (i32.xor (local.get $acc) (local.get $x))) (br $join))
            (local.set $acc (i32.mul (local.get $acc) (i32.const 3))) (br $join))
            (local.set $acc (i32.rotl (local.get $acc) (i32.const 3))) (br $join))
            (local.set $acc (i32.add (local.get $acc) (local.get $i))) (br $join))
            (local.set $acc (i32.shr_u (local.get $acc) (i32.const 1))) (br $join))
          (local.set $acc (i32.or (local.get $acc) (i32.const 0x100))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $acc)))

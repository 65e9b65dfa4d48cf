;; n rounds of: fill 4 KiB with 32-bit stores, copy it with loads/stores (incl. 64-bit), sum it back.
(module
  (memory 1)
  (func $fill (param $seed i32)
    (local $p i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $p) (i32.const 4096)))
      (i32.store (local.get $p) (i32.add (local.get $seed) (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $l))))
  (func $copy
    (local $p i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $p) (i32.const 4096)))
      (i64.store offset=4096 (local.get $p) (i64.load (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br $l))))
  (func $sum (result i32)
    (local $p i32) (local $s i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $p) (i32.const 4096)))
      (local.set $s
        (i32.add (local.get $s)
          (i32.xor (i32.load offset=4096 (local.get $p)) (i32.load16_u offset=4098 (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $l)))
    (local.get $s))
  (func (export "run") (param $n i32) (result i32)
    (local $r i32) (local $acc i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $r) (local.get $n)))
      (call $fill (i32.mul (local.get $r) (i32.const 2654435761)))
      (call $copy)
      (local.set $acc (i32.add (i32.rotl (local.get $acc) (i32.const 1)) (call $sum)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $l)))
    (local.get $acc)))

;; Sieve of Eratosthenes over a byte array in linear memory: n rounds, each counting the primes below
;; 8192 (1028 of them), so every unit of n is the same work.
(module
  (memory 1)
  (func $sieve (param $limit i32) (result i32)
    (local $i i32) (local $j i32) (local $count i32)
    ;; 1 = candidate prime
    (local.set $i (i32.const 0))
    (block $d0 (loop $l0
      (br_if $d0 (i32.ge_u (local.get $i) (local.get $limit)))
      (i32.store8 (local.get $i) (i32.const 1))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l0)))
    (local.set $i (i32.const 2))
    (block $d1 (loop $l1
      (br_if $d1 (i32.gt_u (i32.mul (local.get $i) (local.get $i)) (local.get $limit)))
      (if (i32.load8_u (local.get $i))
        (then
          (local.set $j (i32.mul (local.get $i) (local.get $i)))
          (block $d2 (loop $l2
            (br_if $d2 (i32.ge_u (local.get $j) (local.get $limit)))
            (i32.store8 (local.get $j) (i32.const 0))
            (local.set $j (i32.add (local.get $j) (local.get $i)))
            (br $l2)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l1)))
    (local.set $i (i32.const 2))
    (block $d3 (loop $l3
      (br_if $d3 (i32.ge_u (local.get $i) (local.get $limit)))
      (local.set $count (i32.add (local.get $count) (i32.load8_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l3)))
    (local.get $count))
  (func (export "run") (param $n i32) (result i32)
    (local $r i32) (local $acc i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $r) (local.get $n)))
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (call $sieve (i32.const 8192))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $l)))
    (local.get $acc)))

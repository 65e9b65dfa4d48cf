;; Call overhead in both directions.
;; run(n): n Wasm->host calls of the imported env.host_step (i32, i32) -> i32.
;; add(a, b): a trivial export the runner calls from Python to time host->Wasm calls.
(module
  (import "env" "host_step" (func $host_step (param i32 i32) (result i32)))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc
          (i32.add (i32.rotl (call $host_step (local.get $acc) (local.get $i)) (i32.const 1)) (i32.const 7)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $acc))
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))

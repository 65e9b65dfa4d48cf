;; Float kernel: n frames of a 16x16 Mandelbrot image over [-2, 1) x [-1.2, 1.2) in f64, at most 32
;; iterations per point. Every frame is the same work; returns the iteration total.
(module
  (func (export "run") (param $n i32) (result i32)
    (local $frame i32) (local $row i32) (local $col i32) (local $it i32) (local $total i32)
    (local $cr f64) (local $ci f64) (local $zr f64) (local $zi f64) (local $t f64)
    (block $frames_done (loop $frames
      (br_if $frames_done (i32.ge_u (local.get $frame) (local.get $n)))
      (local.set $row (i32.const 0))
      (block $rows_done (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $row) (i32.const 16)))
        (local.set $ci
          (f64.sub (f64.mul (f64.convert_i32_u (local.get $row)) (f64.const 0.15)) (f64.const 1.2)))
        (local.set $col (i32.const 0))
        (block $cols_done (loop $cols
          (br_if $cols_done (i32.ge_u (local.get $col) (i32.const 16)))
          (local.set $cr
            (f64.sub (f64.mul (f64.convert_i32_u (local.get $col)) (f64.const 0.1875)) (f64.const 2.0)))
          (local.set $zr (f64.const 0)) (local.set $zi (f64.const 0)) (local.set $it (i32.const 0))
          (block $esc (loop $iter
            (br_if $esc (i32.ge_u (local.get $it) (i32.const 32)))
            (br_if $esc
              (f64.gt
                (f64.add (f64.mul (local.get $zr) (local.get $zr)) (f64.mul (local.get $zi) (local.get $zi)))
                (f64.const 4.0)))
            (local.set $t
              (f64.add (f64.sub (f64.mul (local.get $zr) (local.get $zr)) (f64.mul (local.get $zi) (local.get $zi)))
                       (local.get $cr)))
            (local.set $zi
              (f64.add (f64.mul (f64.mul (f64.const 2.0) (local.get $zr)) (local.get $zi)) (local.get $ci)))
            (local.set $zr (local.get $t))
            (local.set $it (i32.add (local.get $it) (i32.const 1)))
            (br $iter)))
          (local.set $total (i32.add (local.get $total) (local.get $it)))
          (local.set $col (i32.add (local.get $col) (i32.const 1)))
          (br $cols)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows)))
      (local.set $frame (i32.add (local.get $frame) (i32.const 1)))
      (br $frames)))
    (local.get $total)))

! Fortran compute kernel, built from this one source natively (host gfortran -O2) and for
! Eremit (x86_64-hermit-gfortran -O2) by benches/drivers/bench_cxx_fortran.py: a dense N x N
! double-precision matrix product with explicit loops (j, k, i order: the innermost loop
! runs down columns, contiguous in Fortran's column-major layout, so it vectorises),
! followed by Jacobi sweeps of a 2-D Laplace problem on an N x N grid. Plain loops over
! arrays: what the figure measures is translated floating-point code plus libgfortran's
! start-up and I/O, not the runtime's MATMUL.
!
! Usage: matmul [N [SWEEPS]]   (defaults 500 and 200)
! Prints one JSON line: {"bench": "fortran_matmul_jacobi", "ms": ..., "matmul_ms": ...,
! "jacobi_ms": ..., "n": N, "checksum": ..., "ok": true|false}; stops with exit code 1
! when a check fails. The product is checked against A*(B*x) for a vector x (O(N^2),
! independent of the loop nest under test); the Jacobi result against the discrete
! maximum principle and the residual it must have reduced.
program matmul_bench
  implicit none
  integer, parameter :: dp = kind(1.0d0)
  integer :: n, sweeps, i, j, k, it, nargs
  character(len=32) :: arg
  real(dp), allocatable :: a(:,:), b(:,:), c(:,:), x(:), bx(:), abx(:), cx(:)
  real(dp), allocatable :: u(:,:), unew(:,:)
  integer(8) :: t0, t1, t2, rate
  real(dp) :: matmul_ms, jacobi_ms, err, scale, checksum, res0, res1
  logical :: ok

  n = 500
  sweeps = 200
  nargs = command_argument_count()
  if (nargs >= 1) then
    call get_command_argument(1, arg)
    read (arg, *) n
  end if
  if (nargs >= 2) then
    call get_command_argument(2, arg)
    read (arg, *) sweeps
  end if

  allocate (a(n, n), b(n, n), c(n, n), x(n), bx(n), abx(n), cx(n))
  allocate (u(0:n+1, 0:n+1), unew(0:n+1, 0:n+1))
  ! Deterministic inputs (no random_number: its generator is the runtime's, and the same
  ! numbers natively and in Eremit are what make the checksums comparable).
  do j = 1, n
    do i = 1, n
      a(i, j) = real(mod(i * 7 + j * 3, 17), dp) / 17.0_dp - 0.5_dp
      b(i, j) = real(mod(i * 5 + j * 11, 13), dp) / 13.0_dp - 0.5_dp
    end do
    x(j) = real(mod(j, 7), dp) - 3.0_dp
  end do
  ! Boundary: 1 on the top edge, 0 elsewhere; interior starts at 0.
  u = 0.0_dp
  u(0, :) = 1.0_dp
  unew = u

  call system_clock(t0, rate)
  c = 0.0_dp
  do j = 1, n
    do k = 1, n
      do i = 1, n
        c(i, j) = c(i, j) + a(i, k) * b(k, j)
      end do
    end do
  end do
  call system_clock(t1)
  do it = 1, sweeps
    do j = 1, n
      do i = 1, n
        unew(i, j) = 0.25_dp * (u(i - 1, j) + u(i + 1, j) + u(i, j - 1) + u(i, j + 1))
      end do
    end do
    u(1:n, 1:n) = unew(1:n, 1:n)
  end do
  call system_clock(t2)
  matmul_ms = real(t1 - t0, dp) * 1000.0_dp / real(rate, dp)
  jacobi_ms = real(t2 - t1, dp) * 1000.0_dp / real(rate, dp)

  ! C x against A (B x), both O(N^2).
  do i = 1, n
    bx(i) = sum(b(i, :) * x)
  end do
  do i = 1, n
    abx(i) = sum(a(i, :) * bx)
    cx(i) = sum(c(i, :) * x)
  end do
  scale = max(1.0_dp, maxval(abs(abx)))
  err = maxval(abs(cx - abx)) / scale
  ok = err < 1.0e-9_dp
  ! Jacobi: values stay within the boundary's [0, 1] and the residual must fall.
  res0 = 1.0_dp  ! the first sweep's residual is at most 0.25 * 4 * max |u| = 1
  res1 = 0.0_dp
  do j = 1, n
    do i = 1, n
      res1 = max(res1, abs(0.25_dp * (u(i - 1, j) + u(i + 1, j) + u(i, j - 1) + u(i, j + 1)) &
                            - u(i, j)))
    end do
  end do
  ok = ok .and. minval(u) >= 0.0_dp .and. maxval(u(1:n, 1:n)) <= 1.0_dp
  ok = ok .and. res1 < res0 .and. u(1, n / 2) > 0.0_dp
  checksum = sum(c) + sum(u(1:n, 1:n))

  write (*, '(a,f14.3,a,f14.3,a,f14.3,a,i0,a,i0,a,es23.16,a,es10.3,a,a,a)') &
    '{"bench": "fortran_matmul_jacobi", "ms": ', matmul_ms + jacobi_ms, &
    ', "matmul_ms": ', matmul_ms, ', "jacobi_ms": ', jacobi_ms, ', "n": ', n, &
    ', "sweeps": ', sweeps, ', "checksum": ', checksum, ', "max_rel_err": ', err, &
    ', "ok": ', trim(merge('true ', 'false', ok)), '}'
  if (.not. ok) then
    write (0, '(a)') 'fortran_matmul_jacobi: verification FAILED'
    stop 1
  end if
end program matmul_bench

! OpenMP in Fortran: a parallel DO with SUM and MAX reductions (exact integer results, the
! same with any team size) and the runtime library through the omp_lib module.  The team
! size goes to stderr as "max threads N, team N"; tests compare it with OMP_NUM_THREADS or,
! by default, the number of CPUs.
program omp_reduce
  use omp_lib
  implicit none
  integer(8) :: i, total, biggest, expect
  integer, parameter :: n = 2000000
  integer :: team
  total = 0
  biggest = 0
  team = 0
  !$omp parallel
  !$omp single
  team = omp_get_num_threads()
  !$omp end single
  !$omp do reduction(+:total) reduction(max:biggest) schedule(static)
  do i = 1, n
    total = total + i
    biggest = max(biggest, mod(i * 48271_8, 1000003_8))
  end do
  !$omp end do
  !$omp end parallel
  expect = int(n, 8) * (n + 1) / 2
  if (total == expect) then
    print '(a,i0,a,i0,a,i0)', 'sum 1..', n, ' = ', total, ' (correct), max ', biggest
  else
    print '(a,i0,a,i0,a,i0)', 'sum 1..', n, ' = ', total, ' (WRONG), max ', biggest
  end if
  write (0, '(a,i0,a,i0)') 'max threads ', omp_get_max_threads(), ', team ', team
  if (total /= expect) stop 1
end program omp_reduce

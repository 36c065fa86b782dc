! Fortran through libgfortran: list-directed and formatted output, integer and real
! kinds, character handling, an allocatable array, STOP with a code.
program print_test
  implicit none
  integer :: i
  integer(8) :: big
  real(8) :: x
  real(8), allocatable :: v(:)
  character(len=20) :: word
  big = 2_8**40
  x = atan(1.0d0) * 4
  word = 'aarch64'
  allocate(v(5))
  v = [(real(i, 8)**2, i = 1, 5)]
  print *, 'hello from Fortran'
  print '(A, I0)', 'big = ', big
  print '(A, F12.8)', 'pi = ', x
  print '(A, 5F6.1)', 'squares:', v
  print '(A, ES12.4)', 'sum = ', sum(v)
  print '(3A)', '[', trim(word), ']'
  print *, 'len_trim', len_trim(word), maxval(v), minloc(v)
  stop 3
end program print_test

! Matrices: allocatable arrays, intrinsics (MATMUL, TRANSPOSE, SUM, MAXVAL, DOT_PRODUCT,
! RESHAPE, math functions), formatted output, and file I/O in the three forms:
! formatted with explicit edit descriptors, list-directed, unformatted (sequential and
! direct access), with OPEN/INQUIRE/CLOSE and IOSTAT errors.
! Usage: matrix [N]  (N defaults to 6)
program matrix
  implicit none
  integer, parameter :: dp = kind(1.0d0)
  real(dp), allocatable :: a(:,:), b(:,:), c(:,:), back(:,:), row(:)
  integer :: n, i, j, u, ios, recl_len, nrec
  character(len=32) :: arg
  character(len=256) :: msg
  character(len=*), parameter :: dir = '/tmp/'
  character(len=80) :: fname
  logical :: there, opened
  integer :: pid
  real(dp) :: trace, x
  integer, allocatable :: iv(:)

  n = 6
  if (command_argument_count() >= 1) then
    call get_command_argument(1, arg)
    read (arg, *) n
  end if
  pid = getpid()
  write (fname, '(a,a,i0,a)') dir, 'eremit-matrix-', pid, '.txt'

  allocate (a(n, n), b(n, n))
  do j = 1, n
    do i = 1, n
      a(i, j) = real(i + 2 * j, dp) / real(n, dp)
      b(i, j) = merge(1.0_dp, 0.0_dp, i == j) * 2.0_dp + real(mod(i * j, 3), dp)
    end do
  end do
  c = matmul(a, transpose(b))          ! automatic (re)allocation on assignment
  print '(a,i0,a,i0)', 'c is ', size(c, 1), ' x ', size(c, 2)
  trace = 0
  do i = 1, n
    trace = trace + c(i, i)
  end do
  print '(a,f12.6)', 'trace(c)      =', trace
  print '(a,f12.6)', 'sum(c)        =', sum(c)
  print '(a,f12.6,a,2i3)', 'maxval(c)     =', maxval(c), ' at', maxloc(c)
  print '(a,f12.6)', 'dot(a(:,1),b(1,:)) =', dot_product(a(:, 1), b(1, :))
  print '(a,es14.6)', 'norm2(a)      =', norm2(a)
  print '(a,*(f8.3))', 'row 1 of c:', c(1, :)
  print '(a,3f10.6)', 'sqrt/exp/log: ', sqrt(2.0_dp), exp(1.0_dp), log(10.0_dp)
  print '(a,3f10.6)', 'sin/cos/atan2:', sin(0.5_dp), cos(0.5_dp), atan2(1.0_dp, -1.0_dp)
  print '(a,3f10.6)', 'gamma/erf/bessel_j0:', gamma(5.5_dp), erf(0.5_dp), bessel_j0(1.0_dp)
  print '(a,i0,1x,i0,1x,i0)', 'mod/modulo/ishft: ', mod(-7, 3), modulo(-7, 3), ishft(1, 10)
  print '(a,f6.1,1x,f6.1,1x,i0,1x,i0)', 'floor/ceiling/nint/int: ', real(floor(-2.5_dp), dp), &
    real(ceiling(-2.5_dp), dp), nint(2.5_dp), int(-2.7_dp)
  print '(a,i0,a,es10.3,a,i0)', 'huge(int)=', huge(1), ' epsilon(dp)=', epsilon(1.0_dp), ' digits=', digits(1.0_dp)
  iv = [(i * i, i = 1, 10)]
  print '(a,*(i4))', 'squares where even:', pack(iv, mod(iv, 2) == 0)
  print '(a,*(i4))', 'reshape 2x3 -> column major:', reshape([1, 2, 3, 4, 5, 6], [2, 3])
  print '(a,l1,1x,l1)', 'any(c > 10)/all(c > 0): ', any(c > 10.0_dp), all(c > 0.0_dp)
  print '(a,a,a)', 'trim/adjustl: [', trim(adjustl('   padded   ')), ']'

  ! Formatted file: write with explicit formats, read back with the same.
  open (newunit=u, file=fname, status='replace', action='write', form='formatted', iostat=ios)
  if (ios /= 0) error stop 'cannot create the formatted file'
  write (u, '(i4)') n
  do i = 1, n
    write (u, '(*(es24.16))') c(i, :)
  end do
  close (u)
  inquire (file=fname, exist=there, size=recl_len)
  print '(a,l1,a,l1)', 'formatted file exists: ', there, ', non-empty: ', recl_len > 0
  open (newunit=u, file=fname, status='old', action='read')
  read (u, '(i4)') i
  allocate (back(i, i))
  do i = 1, n
    read (u, '(*(es24.16))') back(i, :)
  end do
  inquire (unit=u, opened=opened, form=msg)
  print '(a,l1,a,a)', 'unit opened: ', opened, ', form: ', trim(msg)
  close (u, status='delete')
  print '(a,es10.3)', 'formatted round trip max error: ', maxval(abs(back - c))
  inquire (file=fname, exist=there)
  print '(a,l1)', 'deleted on close: ', .not. there

  ! List-directed: mixed items, then read back.
  open (newunit=u, file=fname, status='replace')
  write (u, *) n, 'word', 3.25_dp, .true.
  write (u, *) iv(1:5)
  close (u)
  open (newunit=u, file=fname, status='old')
  read (u, *) i, arg, x, there
  print '(a,i0,1x,a,1x,f5.2,1x,l1)', 'list-directed read: ', i, trim(arg), x, there
  iv = 0
  read (u, *) iv(1:5)
  print '(a,*(i4))', 'list-directed ints:', iv(1:5)
  read (u, *, iostat=ios)
  print '(a,l1)', 'reading past the end: iostat_end ', is_iostat_end(ios)
  close (u, status='delete')

  ! Unformatted sequential: whole arrays as records.
  open (newunit=u, file=fname, status='replace', form='unformatted', access='sequential')
  write (u) n
  write (u) c
  close (u)
  deallocate (back)
  open (newunit=u, file=fname, status='old', form='unformatted')
  read (u) i
  allocate (back(i, i))
  read (u) back
  close (u)
  print '(a,l1)', 'unformatted sequential round trip exact: ', all(back == c)

  ! Unformatted direct access: one row per record, written in reverse order.
  inquire (iolength=recl_len) c(1, :)
  open (newunit=u, file=fname, status='replace', form='unformatted', access='direct', recl=recl_len)
  do i = n, 1, -1
    write (u, rec=i) c(i, :)
  end do
  allocate (row(n))
  read (u, rec=3) row
  inquire (unit=u, nextrec=nrec)
  print '(a,l1,a,i0)', 'direct access record 3 exact: ', all(row == c(3, :)), ', nextrec ', nrec
  close (u, status='delete')

  ! Errors: opening a missing file with status='old' fails with a non-zero iostat.
  open (newunit=u, file=dir // 'eremit-no-such-file.dat', status='old', iostat=ios, iomsg=msg)
  print '(a,l1)', 'open missing file: iostat /= 0 ', ios /= 0
  deallocate (a, b, c, back, row)
  print '(a,l1)', 'deallocated: ', .not. allocated(a)
end program matrix

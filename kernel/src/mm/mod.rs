//! Memory: the firmware's map, page tables and the heap.
#[cfg(target_os = "none")]
pub mod heap;
#[cfg(target_os = "none")]
pub mod heap_check;
pub mod mappings;
pub mod page_table;
#[cfg(target_os = "none")]
pub mod paging;
pub mod regions;
pub mod size_classes;
#[cfg(target_os = "none")]
pub mod soft_tlb;
#[cfg(target_os = "none")]
pub mod tlb;
pub mod try_box;
pub mod user_map;

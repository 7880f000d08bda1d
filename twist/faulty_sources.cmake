# Sources of the faulty backend (real threads + fault injection).
target_sources(spindle_twist PRIVATE)

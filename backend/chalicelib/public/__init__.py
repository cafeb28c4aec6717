"""The public model of an event: what a visitor may see (bundle), its views for pages and
schedules (view), rich text made safe (richtext, safe_values) and the render memo. The site's
renderer and the schedule writers in formats/ both read it; it imports neither."""

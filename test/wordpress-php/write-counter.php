<?php
/**
 * Must-use plugin for the tests: counts every edit of a media item through the REST API (POST /wp/v2/media/<id>,
 * Loupe's writeAlt), one line "<id>" per edit WordPress completed, appended to wp-content/alt-writes.log. A test
 * can so prove that no text was written twice, whatever happened to the process that wrote it.
 */
add_action('rest_after_insert_attachment', function ($attachment, $request, $creating) {
    if ($creating) return;
    file_put_contents(WP_CONTENT_DIR . '/alt-writes.log', $attachment->ID . "\n", FILE_APPEND | LOCK_EX);
}, 10, 3);

<?php
/**
 * The test harness's hands inside the WordPress site (test/wordpress.ts): `php control.php <site root> <command>`
 * with the command's arguments as JSON on stdin; prints one JSON line. Runs inside WordPress (wp-load.php with
 * the site's own wp-config.php), so everything it does goes through WordPress's own functions, as an admin's
 * clicks would.
 */
[$script, $root, $command] = $argv;
$args = json_decode(stream_get_contents(STDIN), true) ?? [];

if ($command === 'install') {
    define('WP_INSTALLING', true);
}
// No e-mail from a test site (there is no MTA): pluggable, so defining it first replaces WordPress's own.
function wp_new_blog_notification() {}
function wp_new_user_notification() {}

$_SERVER['HTTP_HOST'] = parse_url($args['url'] ?? 'http://127.0.0.1', PHP_URL_HOST);
require $root . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/image.php';

function answer($value) {
    echo json_encode($value), "\n";
    exit(0);
}

function fail($message) {
    fwrite(STDERR, $message . "\n");
    exit(1);
}

function user_with_password($login, $role) {
    $id = wp_insert_user([
        'user_login' => $login,
        'user_pass' => wp_generate_password(24),
        'user_email' => $login . '@shop.test',
        'role' => $role,
        'display_name' => ucfirst($login),
    ]);
    if (is_wp_error($id)) fail($id->get_error_message());
    $created = WP_Application_Passwords::create_new_application_password($id, ['name' => 'Loupe']);
    if (is_wp_error($created)) fail($created->get_error_message());
    return ['userId' => $id, 'username' => $login, 'applicationPassword' => $created[0]];
}

function set_pretty_permalinks($pretty) {
    global $wp_rewrite;
    $wp_rewrite->set_permalink_structure($pretty ? '/%postname%/' : '');
    flush_rewrite_rules(false);
}

/** Copies an image into the uploads folder and makes it an attachment (metadata from the file, no resized copies). */
function insert_media($item) {
    $uploads = wp_upload_dir();
    $name = wp_unique_filename($uploads['path'], $item['filename'] ?? basename($item['file']));
    $target = $uploads['path'] . '/' . $name;
    if (!copy($item['file'], $target)) fail("cannot copy {$item['file']}");
    if (isset($item['trailer'])) file_put_contents($target, $item['trailer'], FILE_APPEND);
    $type = wp_check_filetype($name);
    $id = wp_insert_attachment([
        'post_title' => $item['title'] ?? pathinfo($name, PATHINFO_FILENAME),
        'post_mime_type' => $type['type'],
        'post_status' => 'inherit',
        'guid' => $uploads['url'] . '/' . $name,
    ], $target, (int) ($item['parent'] ?? 0), true);
    if (is_wp_error($id)) fail($id->get_error_message());
    $size = getimagesize($target);
    wp_update_attachment_metadata($id, [
        'width' => $size ? $size[0] : 0,
        'height' => $size ? $size[1] : 0,
        'file' => _wp_relative_upload_path($target),
        'filesize' => filesize($target),
        'sizes' => [],
        'image_meta' => [],
    ]);
    if (($item['alt'] ?? '') !== '') update_post_meta($id, '_wp_attachment_image_alt', $item['alt']);
    if (isset($item['modifiedGmt'])) set_modified($id, $item['modifiedGmt']);
    return $id;
}

/** Pins when a post was last modified (the site runs on UTC, so local and GMT times agree). */
function set_modified($id, $gmt) {
    global $wpdb;
    $when = gmdate('Y-m-d H:i:s', strtotime($gmt));
    $wpdb->update($wpdb->posts, ['post_modified' => $when, 'post_modified_gmt' => $when, 'post_date' => $when, 'post_date_gmt' => $when], ['ID' => $id]);
    clean_post_cache($id);
}

switch ($command) {
    case 'install':
        $result = wp_install($args['title'], 'admin', 'admin@shop.test', false, '', wp_generate_password(24));
        if (is_wp_error($result)) fail($result->get_error_message());
        update_option('uploads_use_yearmonth_folders', 0);
        update_option('timezone_string', 'UTC');
        set_pretty_permalinks(true);
        answer(user_with_password($args['username'], 'editor'));
    case 'user':
        answer(user_with_password($args['username'], $args['role']));
    case 'permalinks':
        set_pretty_permalinks((bool) $args['pretty']);
        answer(['pretty' => (bool) $args['pretty']]);
    case 'timezone':
        update_option('timezone_string', $args['timezone']);
        answer(['timezone' => $args['timezone']]);
    case 'revoke':
        WP_Application_Passwords::delete_all_application_passwords((int) $args['userId']);
        answer(['revoked' => true]);
    case 'post':
        $categories = array_map(function ($name) {
            $term = term_exists($name, 'category') ?: wp_insert_term($name, 'category');
            return (int) $term['term_id'];
        }, $args['categories'] ?? []);
        $id = wp_insert_post(['post_title' => $args['title'], 'post_status' => 'publish', 'post_type' => $args['type'] ?? 'post', 'post_category' => $categories], true);
        if (is_wp_error($id)) fail($id->get_error_message());
        answer(['id' => $id]);
    case 'media':
        answer(['ids' => array_map('insert_media', $args['items'])]);
    case 'bulk-media':
        // One transaction and no term counting: a thousand attachments in one go.
        global $wpdb;
        wp_defer_term_counting(true);
        wp_suspend_cache_addition(true);
        $wpdb->query('START TRANSACTION');
        $ids = [];
        for ($i = 0; $i < $args['count']; $i++) {
            $file = $args['files'][$i % count($args['files'])];
            $ids[] = insert_media([
                'file' => $file,
                'filename' => sprintf('bench-%05d.jpg', $i),
                'title' => sprintf('Bench photo %d', $i),
                'alt' => ($args['withAlt'] ?? false) ? sprintf('Bench photo %d', $i) : '',
                // Bytes after a JPEG's end-of-image marker are ignored by decoders: each copy hashes differently.
                'trailer' => sprintf('loupe-bench-%d', $i),
                'modifiedGmt' => $args['modifiedGmt'] ?? null,
            ]);
        }
        $wpdb->query('COMMIT');
        answer(['ids' => $ids]);
    case 'edit-alt':
        // As the media library's "Alternative Text" box saves it: the meta, and the attachment's modified time.
        update_post_meta((int) $args['id'], '_wp_attachment_image_alt', wp_slash($args['alt']));
        wp_update_post(['ID' => (int) $args['id']]);
        answer(['id' => (int) $args['id']]);
    case 'read-alt':
        answer(['alt' => get_post_meta((int) $args['id'], '_wp_attachment_image_alt', true)]);
    case 'delete-media':
        wp_delete_attachment((int) $args['id'], true);
        answer(['deleted' => true]);
    case 'product':
        // WooCommerce's own storage: a `product` post, `_sku` meta, `product_cat` terms, the main image as the
        // featured image and the others as `_product_image_gallery` (comma-separated attachment ids).
        $id = wp_insert_post(['post_title' => $args['name'], 'post_name' => $args['slug'] ?? '', 'post_status' => 'publish', 'post_type' => 'product'], true);
        if (is_wp_error($id)) fail($id->get_error_message());
        if (isset($args['sku'])) update_post_meta($id, '_sku', $args['sku']);
        wp_set_object_terms($id, $args['categories'] ?? [], 'product_cat');
        $images = $args['imageIds'] ?? [];
        if ($images) set_post_thumbnail($id, $images[0]);
        update_post_meta($id, '_product_image_gallery', implode(',', array_slice($images, 1)));
        answer(['id' => $id]);
    case 'delete-post':
        wp_delete_post((int) $args['id'], true);
        answer(['deleted' => true]);
    default:
        fail("unknown command $command");
}
